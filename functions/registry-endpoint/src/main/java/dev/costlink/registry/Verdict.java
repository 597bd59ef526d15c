package dev.costlink.registry;

import java.util.Map;

/**
 * What the registry answers one request, and how it counts: accepted (by event type), duplicate, or refused for one
 * {@link Refusal reason}. Every answer of {@link EventReceiver} is a verdict, so no path can answer without counting.
 */
record Verdict(HttpExchange.Response response, Kind kind, String eventType, Refusal refusal) {
    enum Kind { ACCEPTED, DUPLICATE, REFUSED }

    /**
     * Why a request was refused: a small fixed set of metric dimension values (never the request's text), each with
     * its status. The order is the order of the checks (docs/callback-contract.md).
     */
    enum Refusal {
        METHOD_NOT_ALLOWED(405, "MethodNotAllowed"),
        UNSUPPORTED_MEDIA_TYPE(415, "UnsupportedMediaType"),
        TOO_LARGE(413, "TooLarge"),
        /** Not a function URL request, or a missing or malformed Idempotency-Key. */
        BAD_REQUEST(400, "BadRequest"),
        UNSIGNED(401, "Unsigned"),
        STALE_TIMESTAMP(401, "StaleTimestamp"),
        MALFORMED_JSON(400, "MalformedJson"),
        WRONG_SHAPE(400, "WrongShape"),
        UNKNOWN_TENANT(404, "UnknownTenant"),
        BAD_SIGNATURE(401, "BadSignature"),
        NO_OWNING_CONNECTION(409, "NoOwningConnection"),
        UNSTORABLE(422, "Unstorable"),
        /** Anything the sender should retry: the store busy or failing, a connection that kept changing. */
        UNAVAILABLE(503, "Unavailable");

        final int status;
        final String reason;

        Refusal(int status, String reason) {
            this.status = status;
            this.reason = reason;
        }
    }

    static Verdict accepted(String eventType) {
        return new Verdict(HttpExchange.Response.of(200, "status", "accepted"), Kind.ACCEPTED, eventType, null);
    }

    static Verdict duplicate() {
        return new Verdict(HttpExchange.Response.of(200, "status", "duplicate"), Kind.DUPLICATE, null, null);
    }

    /** {@code message} describes the problem by field or position, never by quoting the request. */
    static Verdict refused(Refusal refusal, String message) {
        return new Verdict(new HttpExchange.Response(refusal.status, Map.of("error", message), Map.of()), Kind.REFUSED,
                null, refusal);
    }

    Verdict withHeader(String name, String value) {
        return new Verdict(response.withHeader(name, value), kind, eventType, refusal);
    }
}
