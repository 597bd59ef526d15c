package dev.costlink.common;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** JSON in and out without reflection-heavy data binding: events are read as maps, bodies written from maps. */
public final class Json {
    private static final JSON JSON_CODEC = JSON.std.with(JSON.Feature.PRESERVE_FIELD_ORDERING)
            .without(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private Json() {}

    /**
     * Parses a JSON object; anything else (malformed, an array, empty) is an {@link IllegalArgumentException} that says
     * where the input went wrong but never quotes it: the parser's own message names the offending token, which can be
     * a secret (an ExternalId in a mangled event). The parser's exception is not kept as the cause for the same reason.
     */
    public static Map<String, Object> parseObject(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("empty input: expected a JSON object");
        }
        Object value;
        try {
            value = JSON_CODEC.anyFrom(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not valid JSON" + where(e));
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + kind(value));
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

    private static String where(Exception e) {
        JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
        if (at == null || at.getLineNr() < 1 || at.getColumnNr() < 1) {
            return "";
        }
        return " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value instanceof Number ? "a number" : "a " + value.getClass().getSimpleName();
    }
}
