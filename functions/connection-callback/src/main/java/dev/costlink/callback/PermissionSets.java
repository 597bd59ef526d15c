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

    private PermissionSets() {}

    /** The names in order, without blanks or repeats; an unknown name is refused by its position, never quoted. */
    static List<String> parse(Object value) {
        if (value == null) {
            return List.of();
        }
        List<?> items;
        if (value instanceof String text) {
            items = Arrays.asList(text.split(",", -1));
        } else if (value instanceof List<?> list) {
            items = list;
        } else {
            throw new IllegalArgumentException("PermissionSets must be a list of names or a comma-separated string");
        }
        Set<String> names = new LinkedHashSet<>();
        int position = 0;
        for (Object item : items) {
            position++;
            if (!(item instanceof String name)) {
                throw new IllegalArgumentException("PermissionSets item " + position + " is not a string");
            }
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!KNOWN.contains(trimmed)) {
                throw new IllegalArgumentException("PermissionSets item " + position
                        + " is not a known permission set (known: " + String.join(", ", KNOWN) + ")");
            }
            names.add(trimmed);
        }
        return List.copyOf(names);
    }
}
