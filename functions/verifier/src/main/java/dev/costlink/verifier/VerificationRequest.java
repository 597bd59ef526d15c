package dev.costlink.verifier;

import dev.costlink.common.Json;
import java.time.Instant;
import java.util.Map;

/**
 * One queued verification (the body the scheduler sends): the tenant, the connection's registry key, and the instant
 * every connection of the run is judged as of. A body that does not read as one is an IllegalArgumentException whose
 * message never quotes the body.
 */
public record VerificationRequest(String tenant, String connection, Instant asOf) {
    public static VerificationRequest parse(String body) {
        Map<String, Object> fields = WorkerMessages.fields(body);
        Instant asOf = WorkerMessages.asOf(fields);
        return new VerificationRequest(WorkerMessages.text(fields, "tenant"), WorkerMessages.text(fields, "connection"),
                asOf);
    }

    public String body() {
        return Json.writeString(Map.of("tenant", tenant, "connection", connection, "asOf", asOf.toString()));
    }
}
