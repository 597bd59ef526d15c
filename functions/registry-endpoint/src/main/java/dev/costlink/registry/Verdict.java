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
        MALFORMED_JSON(400, "MalformedJson"),
        WRONG_SHAPE(400, "WrongShape"),
        /** The proof of origin (CostLink-Identity), read locally before any network call. */
        IDENTITY_MISSING(401, "IdentityMissing"),
        IDENTITY_UNREADABLE(401, "IdentityUnreadable"),
        IDENTITY_WRONG_BODY(401, "IdentityWrongBody"),
        IDENTITY_WRONG_AUDIENCE(401, "IdentityWrongAudience"),
        IDENTITY_EXPIRED(401, "IdentityExpired"),
        IDENTITY_WRONG_ENDPOINT(401, "IdentityWrongEndpoint"),
        /** The tenant binding of a connection event (HMAC with the tenant's ExternalId). */
        UNSIGNED(401, "Unsigned"),
        STALE_TIMESTAMP(401, "StaleTimestamp"),
        UNKNOWN_TENANT(404, "UnknownTenant"),
        BAD_SIGNATURE(401, "BadSignature"),
        /** STS's answer to the replayed proof. */
        IDENTITY_UNVERIFIABLE(503, "IdentityUnverifiable"),
        IDENTITY_REJECTED(401, "IdentityRejected"),
        WRONG_ACCOUNT(403, "WrongAccount"),
        WRONG_ROLE(403, "WrongRole"),
        WRONG_STACK(403, "WrongStack"),
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
