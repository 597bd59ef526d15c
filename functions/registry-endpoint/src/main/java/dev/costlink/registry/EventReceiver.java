package dev.costlink.registry;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The registry's rules for one request (docs/callback-contract.md, "Verifying a request"): cheap refusals first, then
 * the tenant, then the signature in constant time over the raw body, then exactly-once recording.
 */
public final class EventReceiver {
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final long MAX_SKEW_SECONDS = 300;
    private static final Pattern EVENT_ID = Pattern.compile("evt_[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{1,12}");
    private static final Set<String> CONNECTION_TYPES = Set.of("connection.created", "connection.updated",
            "connection.deleted");
    private static final Set<String> DELIVERY_TYPES = Set.of("delivery.completed", "delivery.invalid");

    private final RegistryStore store;
    private final Clock clock;
    private final JsonLog log;

    public EventReceiver(RegistryStore store, Clock clock, JsonLog log) {
        this.store = store;
        this.clock = clock;
        this.log = log;
    }

    public HttpExchange.Response receive(HttpExchange.Request request) {
        if (!request.method().equalsIgnoreCase("POST")) {
            return error(405, "only POST is accepted");
        }
        String contentType = Optional.ofNullable(request.header("content-type")).orElse("");
        if (!contentType.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
            return error(415, "Content-Type must be application/json");
        }
        if (request.body().length > MAX_BODY_BYTES) {
            return error(413, "body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        String ts = request.header(CallbackSignature.TIMESTAMP_HEADER);
        String signature = request.header(CallbackSignature.SIGNATURE_HEADER);
        if (ts == null || signature == null) {
            return error(401, "CostLink-Timestamp and CostLink-Signature are required");
        }
        if (!TIMESTAMP.matcher(ts).matches()
                || Math.abs(clock.instant().getEpochSecond() - Long.parseLong(ts)) > MAX_SKEW_SECONDS) {
            return error(401, "stale or future timestamp: more than " + MAX_SKEW_SECONDS + " s from the receiver's clock");
        }
        String key = request.header(CallbackSignature.IDEMPOTENCY_HEADER);
        if (key == null || !EVENT_ID.matcher(key).matches()) {
            return error(400, "Idempotency-Key is missing or malformed");
        }
        Map<String, Object> event;
        try {
            event = Json.parseObject(request.body());
        } catch (IllegalArgumentException e) {
            return error(400, "malformed JSON: " + e.getMessage());
        }
        String shapeProblem = shapeProblem(event, key);
        if (shapeProblem != null) {
            return error(400, shapeProblem);
        }
        String tenantHash = (String) event.get("externalIdSha256");
        Optional<String> externalId = store.externalId(tenantHash);
        if (externalId.isEmpty()) {
            return error(404, "unknown tenant");
        }
        if (!CallbackSignature.verify(externalId.get(), Long.parseLong(ts), request.body(), signature)) {
            log.warn("bad signature", "tenant", tenantHash.substring(0, 12), "eventId", key);
            return error(401, "bad signature");
        }
        boolean applied = store.apply(key, event, clock.instant().getEpochSecond());
        log.info(applied ? "event recorded" : "event already seen", "type", event.get("type"), "eventId", key,
                "tenant", tenantHash.substring(0, 12), "accountId", event.get("accountId"));
        return HttpExchange.Response.of(200, "status", applied ? "accepted" : "duplicate");
    }

    /** What is wrong with the body's shape, or null. */
    static String shapeProblem(Map<String, Object> e, String idempotencyKey) {
        Object type = e.get("type");
        if (!(type instanceof String t) || !(CONNECTION_TYPES.contains(t) || DELIVERY_TYPES.contains(t))) {
            return "type must be one of connection.created|updated|deleted, delivery.completed|invalid";
        }
        if (!idempotencyKey.equals(e.get("id"))) {
            return "id must equal the Idempotency-Key";
        }
        if (!(e.get("externalIdSha256") instanceof String h) || !SHA256.matcher(h).matches()) {
            return "externalIdSha256 must be 64 lowercase hex digits";
        }
        if (!(e.get("accountId") instanceof String a) || !ACCOUNT.matcher(a).matches()) {
            return "accountId must be 12 digits";
        }
        if (!(e.get("occurredAt") instanceof String)) {
            return "occurredAt is required";
        }
        if (CONNECTION_TYPES.contains(t)) {
            if (!(e.get("connection") instanceof Map<?, ?> c) || !(c.get("roleArn") instanceof String r)
                    || !r.startsWith("arn:")) {
                return "connection.roleArn is required";
            }
            return null;
        }
        if (!(e.get("delivery") instanceof Map<?, ?> d)) {
            return "delivery is required";
        }
        for (String field : new String[] {"kind", "bucket", "billingPeriod", "manifestKey"}) {
            if (!(d.get(field) instanceof String s) || s.isEmpty()) {
                return "delivery." + field + " is required";
            }
        }
        for (String field : new String[] {"fileCount", "totalRows", "totalBytes"}) {
            if (!(d.get(field) instanceof Number)) {
                return "delivery." + field + " must be a number";
            }
        }
        return null;
    }

    private static HttpExchange.Response error(int status, String message) {
        return HttpExchange.Response.of(status, "error", message);
    }
}
