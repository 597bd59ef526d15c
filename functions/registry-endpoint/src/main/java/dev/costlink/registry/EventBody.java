package dev.costlink.registry;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.JSONObjectException;
import java.io.IOException;
import java.util.Map;

/**
 * A request body is exactly one JSON object: nothing but whitespace may follow it, and no key may repeat (the signed
 * bytes must mean one thing). Refusals name the problem and where it is, never the input's text: a parser's own
 * message quotes the offending token, which could be a secret.
 */
final class EventBody {
    private static final JSON STRICT = JSON.std.with(JSON.Feature.PRESERVE_FIELD_ORDERING,
            JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

    /** Why a body was refused; its message is safe to return and log. */
    static final class Malformed extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private EventBody() {}

    static Map<String, Object> parse(byte[] body) {
        if (body.length == 0) {
            throw new Malformed("empty body: expected one JSON object");
        }
        try (JsonParser parser = STRICT.createParser(body)) {
            Object value;
            try {
                value = STRICT.anyFrom(parser);
            } catch (JSONObjectException duplicateKey) {
                throw new Malformed("a key appears twice in one object" + where(parser.currentLocation()));
            } catch (JsonProcessingException e) {
                throw new Malformed("not valid JSON" + where(e.getLocation() != null ? e.getLocation()
                        : parser.currentLocation()));
            }
            if (!(value instanceof Map<?, ?>)) {
                throw new Malformed("expected one JSON object, got " + kind(value));
            }
            boolean more;
            try {
                more = parser.nextToken() != null;
            } catch (JsonProcessingException notJson) {
                more = true;
            }
            if (more) {
                throw new Malformed("more than one JSON value: data follows the object"
                        + where(parser.currentTokenLocation()));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) value;
            return object;
        } catch (IOException e) {
            throw new Malformed("unreadable body");
        }
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "an array";
    }
}
