package dev.costlink.registry;

import java.util.List;
import java.util.Map;

/** A connection item as the registry holds it, read as plain values (strings, numbers, lists, maps). */
public record StoredConnection(String key, Map<String, Object> attributes) {
    /** The text at an attribute path (e.g. facts, bucket), or null when absent or not text. */
    public String text(List<String> path) {
        Object at = attributes;
        for (String name : path) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(name);
        }
        return at instanceof String s ? s : null;
    }
}
