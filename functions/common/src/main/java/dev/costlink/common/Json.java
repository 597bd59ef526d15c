package dev.costlink.common;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Map;

/** JSON in and out without reflection-heavy data binding: events are read as maps, bodies written from maps. */
public final class Json {
    private static final JSON JSON_CODEC = JSON.std.with(JSON.Feature.PRESERVE_FIELD_ORDERING)
            .without(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private Json() {}

    /** Parses a JSON object; anything else (malformed, an array, empty) is an {@link IllegalArgumentException}. */
    public static Map<String, Object> parseObject(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("empty input: expected a JSON object");
        }
        Object value;
        try {
            value = JSON_CODEC.anyFrom(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + (value == null ? "null" : "a " + value.getClass().getSimpleName()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return object;
    }

    public static byte[] write(Object value) {
        try {
            return JSON_CODEC.asBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String writeString(Object value) {
        try {
            return JSON_CODEC.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
