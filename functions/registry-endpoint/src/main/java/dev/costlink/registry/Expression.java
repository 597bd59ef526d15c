package dev.costlink.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Placeholders for one DynamoDB expression: every attribute name is aliased ({@code #n0}), so no schema name can clash
 * with a DynamoDB reserved word, and every value is bound ({@code :v0}).
 */
final class Expression {
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();

    /** The placeholder for a top-level attribute name. */
    String name(String attribute) {
        return aliases.computeIfAbsent(attribute, a -> {
            String alias = "#n" + aliases.size();
            names.put(alias, a);
            return alias;
        });
    }

    /** The placeholder for a document path, e.g. facts.bucket. */
    String path(List<String> path) {
        return String.join(".", path.stream().map(this::name).toList());
    }

    String value(AttributeValue value) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, value);
        return placeholder;
    }

    /** The names, or null when none (DynamoDB refuses an empty map). */
    Map<String, String> names() {
        return names.isEmpty() ? null : Map.copyOf(names);
    }

    /** The values, or null when none (DynamoDB refuses an empty map). */
    Map<String, AttributeValue> values() {
        return values.isEmpty() ? null : Map.copyOf(values);
    }
}
