package dev.costlink.registry;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.JsonLog;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The registry's rules for one request (docs/callback-contract.md, "Verifying a request"): cheap refusals first, then
 * the tenant, then the signature in constant time over the raw body, then, for a delivery, the connection it belongs
 * to, then exactly-once recording. Every answer, including a failure of the store, comes out of {@link #receive}.
 */
public final class EventReceiver {
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final long MAX_SKEW_SECONDS = 300;
    /** Tries of one event when its connection changes between reading and writing (each try reads it again). */
    static final int MAX_TRIES = 3;
    private static final Pattern EVENT_ID = Pattern.compile("evt_[0-9a-f]{40}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{1,12}");

    private final RegistryStore store;
    private final Clock clock;
    private final JsonLog log;

    public EventReceiver(RegistryStore store, Clock clock, JsonLog log) {
        this.store = store;
        this.clock = clock;
        this.log = log;
    }

    public HttpExchange.Response receive(HttpExchange.Request request) {
        try {
            return answer(request);
        } catch (RuntimeException e) {
            // 5xx makes the sender retry; nothing was recorded, so the retry applies the event once.
            log.error("registry failure", "error", e.getClass().getSimpleName(), "detail", e.getMessage());
            return unavailable();
        }
    }

    private HttpExchange.Response answer(HttpExchange.Request request) {
        if (!request.method().equalsIgnoreCase("POST")) {
            return error(405, "only POST is accepted").withHeader("Allow", "POST");
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
            event = EventBody.parse(request.body());
        } catch (EventBody.Malformed e) {
            return error(400, "malformed JSON: " + e.getMessage());
        }
        String shapeProblem = EventShape.problem(event, key);
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
        return record(key, event, tenantHash);
    }

    private HttpExchange.Response record(String key, Map<String, Object> event, String tenantHash) {
        Recording recording = null;
        for (int tries = 1; tries <= MAX_TRIES; tries++) {
            DeliveryOwner.Match owner = null;
            if (!EventShape.isConnection(event)) {
                Optional<DeliveryOwner.Match> match = DeliveryOwner.find((Map<?, ?>) event.get("delivery"),
                        store.connections(tenantHash, (String) event.get("accountId")));
                if (match.isEmpty()) {
                    return error(409, "no ACTIVE connection of this tenant in accountId records this delivery's "
                            + "bucket, export and prefix");
                }
                owner = match.get();
            }
            recording = store.record(key, event, owner, clock.instant().getEpochSecond());
            if (recording.outcome() != Recording.Outcome.CONNECTION_CHANGED) {
                break;
            }
        }
        Object[] fields = {"type", event.get("type"), "eventId", key, "tenant", tenantHash.substring(0, 12),
                "accountId", event.get("accountId"), "detail", recording.detail()};
        return switch (recording.outcome()) {
            case RECORDED -> {
                log.info("event recorded", fields);
                yield HttpExchange.Response.of(200, "status", "accepted");
            }
            case DUPLICATE -> {
                log.info("event already seen", fields);
                yield HttpExchange.Response.of(200, "status", "duplicate");
            }
            case UNSTORABLE -> {
                log.error("event cannot be stored", fields);
                yield error(422, "the registry cannot store this event: DynamoDB refuses it for good (a size, nesting "
                        + "or number limit); retrying will not help");
            }
            case BUSY, CONNECTION_CHANGED -> {
                log.warn("event not recorded, sender will retry", fields);
                yield unavailable();
            }
        };
    }

    private static HttpExchange.Response unavailable() {
        return error(503, "registry temporarily unavailable");
    }

    private static HttpExchange.Response error(int status, String message) {
        return HttpExchange.Response.of(status, "error", message);
    }
}
