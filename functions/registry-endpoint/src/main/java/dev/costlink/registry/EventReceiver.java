package dev.costlink.registry;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.CallerIdentityProof;
import dev.costlink.common.Deadline;
import dev.costlink.common.JsonLog;
import dev.costlink.common.Metrics;
import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Organization;
import dev.costlink.registry.Verdict.Refusal;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The registry's rules for one request (docs/callback-contract.md, "What the vendor's registry checks, in order"):
 * cheap refusals first, then the proof of origin read locally, then (connection events) the tenant binding by HMAC,
 * then the proof replayed to STS and the sender's identity, then, for a delivery, the connection it belongs to (found
 * through its stack), then exactly-once recording. Every answer, including an unreadable request and a failure (or a
 * missing configuration) of the store, comes out of {@link #receive} as a {@link Verdict}, which is counted there and
 * only there.
 */
public final class EventReceiver {
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final long MAX_SKEW_SECONDS = 300;
    /** Tries of one event when its connection changes between reading and writing (each try reads it again). */
    static final int MAX_TRIES = 3;
    /** The time a deleted payer's members may take to revoke before the sender is told to retry (function: 10 s). */
    static final long MEMBER_REVOCATION_BUDGET_MILLIS = 4_000;
    private static final Pattern EVENT_ID = Pattern.compile("evt_[0-9a-f]{40}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{1,12}");

    private final Supplier<RegistryStore> store;
    private final IdentityProofCheck proofs;
    private final StsReplay sts;
    private final VerificationRequests verification;
    private final Clock clock;
    private final JsonLog log;
    private final Metrics metrics;

    /** {@code store} is asked for on the first request that needs it: a misconfigured store is a 503 like any other. */
    public EventReceiver(Supplier<RegistryStore> store, IdentityProofCheck proofs, StsReplay sts,
                         VerificationRequests verification, Clock clock, JsonLog log, Metrics metrics) {
        this.store = store;
        this.proofs = proofs;
        this.sts = sts;
        this.verification = verification;
        this.clock = clock;
        this.log = log;
        this.metrics = metrics;
    }

    /** A Lambda function URL request (payload format 2.0), as the function receives it. */
    public HttpExchange.Response receive(byte[] functionUrlRequest) {
        Verdict verdict;
        try {
            HttpExchange.Request request;
            try {
                request = HttpExchange.Request.parse(functionUrlRequest);
            } catch (IllegalArgumentException e) {
                // The parser's message could quote the request: say what is wrong, not what was sent.
                request = null;
            }
            verdict = request == null ? Verdict.refused(Refusal.BAD_REQUEST, "not a function URL request")
                    : answer(request);
        } catch (RuntimeException e) {
            // 5xx makes the sender retry; nothing was recorded, so the retry applies the event once.
            log.error("registry failure", "error", e.getClass().getSimpleName(), "detail", e.getMessage());
            verdict = unavailable();
        }
        count(verdict);
        return verdict.response();
    }

    /** The one place answers are counted (metrics.json: EventsAccepted, EventsDuplicate, EventsRefused). */
    private void count(Verdict verdict) {
        try {
            switch (verdict.kind()) {
                case ACCEPTED -> metrics.emit(Map.of("EventType", verdict.eventType()), Map.of("EventsAccepted", 1));
                case DUPLICATE -> metrics.count("EventsDuplicate", 1);
                case REFUSED -> {
                    log.info("request refused", "status", verdict.response().status(),
                            "reason", verdict.refusal().reason, "error", verdict.response().body().get("error"));
                    metrics.emit(Map.of("Reason", verdict.refusal().reason), Map.of("EventsRefused", 1));
                }
            }
        } catch (RuntimeException e) {
            // A metric never changes the answer: the event is recorded (or refused) whatever the log line does.
            log.error("metric not emitted", "error", e.getClass().getSimpleName());
        }
    }

    private Verdict answer(HttpExchange.Request request) {
        if (!request.method().equalsIgnoreCase("POST")) {
            return Verdict.refused(Refusal.METHOD_NOT_ALLOWED, "only POST is accepted").withHeader("Allow", "POST");
        }
        String contentType = Optional.ofNullable(request.header("content-type")).orElse("");
        if (!contentType.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
            return Verdict.refused(Refusal.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        if (request.body().length > MAX_BODY_BYTES) {
            return Verdict.refused(Refusal.TOO_LARGE, "body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        String key = request.header(CallbackSignature.IDEMPOTENCY_HEADER);
        if (key == null || !EVENT_ID.matcher(key).matches()) {
            return Verdict.refused(Refusal.BAD_REQUEST, "Idempotency-Key is missing or malformed");
        }
        Map<String, Object> event;
        try {
            event = EventBody.parse(request.body());
        } catch (EventBody.Malformed e) {
            return Verdict.refused(Refusal.MALFORMED_JSON, "malformed JSON: " + e.getMessage());
        }
        String shapeProblem = EventShape.problem(event, key);
        if (shapeProblem != null) {
            return Verdict.refused(Refusal.WRONG_SHAPE, shapeProblem);
        }
        try {
            IdentityProofCheck.Replayable proof = proofs.check(request.header(CallerIdentityProof.HEADER),
                    request.body(), request.header("host"), clock.instant());
            boolean connection = EventShape.isConnection(event);
            RegisteredTenant tenant = connection ? boundTenant(request, event, key) : null;
            CallerIdentity sender = sts.replay(proof);
            String stackId = (String) event.get("stackId");
            SenderRule.check(sender, (String) event.get("accountId"), SenderRule.expectedRole(connection, stackId));
            if (connection) {
                String tenantHash = (String) event.get("externalIdSha256");
                return record(key, event, () -> RecordingTarget.connection(tenantHash, allowedByPolicy(tenant, event)));
            }
            return record(key, event, () -> deliveryTarget(event));
        } catch (Refused refused) {
            return refused.verdict();
        }
    }

    /** A connection event's tenant, bound by the HMAC of its ExternalId over the raw body. */
    private RegisteredTenant boundTenant(HttpExchange.Request request, Map<String, Object> event, String key)
            throws Refused {
        String ts = request.header(CallbackSignature.TIMESTAMP_HEADER);
        String signature = request.header(CallbackSignature.SIGNATURE_HEADER);
        if (ts == null || signature == null) {
            throw new Refused(Refusal.UNSIGNED, "CostLink-Timestamp and CostLink-Signature are required");
        }
        if (!TIMESTAMP.matcher(ts).matches()
                || Math.abs(clock.instant().getEpochSecond() - Long.parseLong(ts)) > MAX_SKEW_SECONDS) {
            throw new Refused(Refusal.STALE_TIMESTAMP,
                    "stale or future timestamp: more than " + MAX_SKEW_SECONDS + " s from the receiver's clock");
        }
        String tenantHash = (String) event.get("externalIdSha256");
        Optional<RegisteredTenant> tenant = store.get().tenant(tenantHash);
        if (tenant.isEmpty()) {
            throw new Refused(Refusal.UNKNOWN_TENANT, "unknown tenant");
        }
        if (!CallbackSignature.verify(tenant.get().externalId(), Long.parseLong(ts), request.body(), signature)) {
            log.warn("bad signature", "tenant", tenantHash.substring(0, 12), "eventId", key);
            throw new Refused(Refusal.BAD_SIGNATURE, "bad signature");
        }
        return tenant.get();
    }

    /** The tenant's policy on a created or updated connection's account (a payer's: also its organisation). */
    private static boolean allowedByPolicy(RegisteredTenant tenant, Map<String, Object> event) {
        Map<?, ?> facts = (Map<?, ?>) event.get("connection");
        String organization = facts.get("organization") instanceof Map<?, ?> o
                && o.get(Organization.ORGANIZATION_ID) instanceof String id ? id : null;
        return tenant.allows((String) event.get("accountId"), organization);
    }

    /**
     * The connection a delivery belongs to: among the connections its stack registered (index ByStack), of the tenant
     * it names when it names one, an ACTIVE one of its account recording its bucket, export and prefix.
     */
    private RecordingTarget deliveryTarget(Map<String, Object> event) throws Refused {
        RegistryStore registry = store.get();
        String stackId = (String) event.get("stackId");
        Set<String> tenants = new TreeSet<>(registry.tenantsOfStack(stackId));
        if (event.get("externalIdSha256") instanceof String named) {
            tenants.retainAll(Set.of(named));
        }
        for (String tenant : tenants) {
            Optional<DeliveryOwner.Match> match = DeliveryOwner.find((Map<?, ?>) event.get("delivery"), stackId,
                    registry.connections(tenant, (String) event.get("accountId")));
            if (match.isPresent()) {
                return RecordingTarget.delivery(tenant, match.get());
            }
        }
        throw new Refused(Refusal.NO_OWNING_CONNECTION, "no ACTIVE connection registered by this stack in accountId "
                + "records this delivery's bucket, export and prefix");
    }

    /** Finds where an event is recorded, again on every try (the connection may have changed meanwhile). */
    private interface TargetLookup {
        RecordingTarget find() throws Refused;
    }

    private Verdict record(String key, Map<String, Object> event, TargetLookup lookup) throws Refused {
        RegistryStore registry = store.get();
        Recording recording = null;
        RecordingTarget target = null;
        for (int tries = 1; tries <= MAX_TRIES; tries++) {
            target = lookup.find();
            recording = registry.record(key, event, target, clock.instant().getEpochSecond());
            if (recording.outcome() != Recording.Outcome.CONNECTION_CHANGED) {
                break;
            }
        }
        String tenant = target.tenant();
        Object[] fields = {"type", event.get("type"), "eventId", key, "tenant", tenant.substring(0, 12),
                "accountId", event.get("accountId"), "detail", recording.detail()};
        return switch (recording.outcome()) {
            case RECORDED, DUPLICATE -> {
                log.info(recording.outcome() == Recording.Outcome.RECORDED ? "event recorded" : "event already seen",
                        fields);
                if (recording.awaitsProof()) {
                    verification.request(tenant, connectionKey(event));
                }
                yield afterRecorded(key, event, tenant, recording.outcome() == Recording.Outcome.RECORDED);
            }
            case WRONG_STACK -> throw new Refused(Refusal.WRONG_STACK, "the connection is registered by another stack");
            case UNSTORABLE -> {
                log.error("event cannot be stored", fields);
                yield Verdict.refused(Refusal.UNSTORABLE, "the registry cannot store this event: DynamoDB refuses it "
                        + "for good (a size, nesting or number limit); retrying will not help");
            }
            case BUSY, CONNECTION_CHANGED -> {
                log.warn("event not recorded, sender will retry", fields);
                yield unavailable();
            }
        };
    }

    private static String connectionKey(Map<String, Object> event) {
        return Connections.key((String) event.get("accountId"),
                (String) ((Map<?, ?>) event.get("connection")).get("roleArn"));
    }

    /**
     * A recorded (or already seen) connection.deleted of a payer revokes its organisation's member connections; a
     * revocation left unfinished is answered 503, and the retry of the same event (a duplicate) carries it on.
     */
    private Verdict afterRecorded(String key, Map<String, Object> event, String tenantHash, boolean recordedNow) {
        if ("connection.deleted".equals(event.get("type"))) {
            String payer = connectionKey(event);
            MemberRevocation members = store.get().revokeMembers(tenantHash, payer, key,
                    clock.instant().getEpochSecond(), Deadline.in(MEMBER_REVOCATION_BUDGET_MILLIS));
            if (members.revoked() > 0 || members.detail() != null) {
                log.info("organisation members revoked with their payer connection", "eventId", key,
                        "revoked", members.revoked(), "complete", members.complete(), "detail", members.detail());
            }
            if (!members.complete()) {
                log.warn("member revocation unfinished, sender will retry", "eventId", key, "detail", members.detail());
                return unavailable();
            }
        }
        return recordedNow ? Verdict.accepted((String) event.get("type")) : Verdict.duplicate();
    }

    private static Verdict unavailable() {
        return Verdict.refused(Refusal.UNAVAILABLE, "registry temporarily unavailable");
    }
}
