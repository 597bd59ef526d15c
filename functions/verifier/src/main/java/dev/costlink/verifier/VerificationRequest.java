package dev.costlink.verifier;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * One queued verification (the body the scheduler sends): the tenant, the connection's registry key, and the instant
 * every connection of the run is judged as of. A body that does not read as one is an IllegalArgumentException whose
 * message never quotes the body.
 */
public record VerificationRequest(String tenant, String connection, Instant asOf) {
    public static VerificationRequest parse(String body) {
        Map<String, Object> fields;
        try {
            fields = Json.parseObject(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the message body is not a JSON object");
        }
        String asOf = text(fields, "asOf");
        try {
            return new VerificationRequest(text(fields, "tenant"), text(fields, "connection"), Instant.parse(asOf));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the message body's asOf is not an ISO-8601 UTC instant");
        }
    }

    public String body() {
        return Json.writeString(Map.of("tenant", tenant, "connection", connection, "asOf", asOf.toString()));
    }

    private static String text(Map<String, Object> fields, String name) {
        if (!(fields.get(name) instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("the message body has no " + name + " string");
        }
        return s;
    }
}
