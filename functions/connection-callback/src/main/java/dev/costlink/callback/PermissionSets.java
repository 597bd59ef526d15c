package dev.costlink.callback;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The permission sets a connection grants, as the contract names them (docs/callback-openapi.yaml). A template passes
 * them as a comma-separated string (!Join) or as a list, which CloudFormation hands over as a JSON array.
 */
final class PermissionSets {
    static final List<String> KNOWN = List.of(
            "core", "cur-bucket-read", "ec2-start-stop", "commitment-purchase", "tag-management", "automation");
    /** A member role of an organisation never reads the billing bucket (it is in another account). */
    static final List<String> MEMBER_KNOWN = KNOWN.stream().filter(s -> !s.equals("cur-bucket-read")).toList();

    private PermissionSets() {}

    /**
     * The names in order, without blanks or repeats; a name not in {@code known} is refused by its position in the
     * property {@code property}, never quoted.
     */
    static List<String> parse(String property, Object value, List<String> known) {
        if (value == null) {
            return List.of();
        }
        List<?> items;
        if (value instanceof String text) {
            items = Arrays.asList(text.split(",", -1));
        } else if (value instanceof List<?> list) {
            items = list;
        } else {
            throw new IllegalArgumentException(property + " must be a list of names or a comma-separated string");
        }
        Set<String> names = new LinkedHashSet<>();
        int position = 0;
        for (Object item : items) {
            position++;
            if (!(item instanceof String name)) {
                throw new IllegalArgumentException(property + " item " + position + " is not a string");
            }
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!known.contains(trimmed)) {
                throw new IllegalArgumentException(property + " item " + position
                        + " is not a known permission set (known: " + String.join(", ", known) + ")");
            }
            names.add(trimmed);
        }
        return List.copyOf(names);
    }
}
