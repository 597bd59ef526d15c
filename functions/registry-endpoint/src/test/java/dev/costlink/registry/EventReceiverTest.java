package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.Json;
import dev.costlink.common.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventReceiverTest {
    static final String EXTERNAL_ID = "cl-Test_ExternalId_0123456789";
    static final String TENANT = CallbackSignature.sha256Hex(EXTERNAL_ID);
    static final String ACCOUNT = "111122223333";
    static final long NOW = 1_767_225_600L;

    static final String STACK_ID = EventShapeTest.STACK_ID;

    final InMemoryRegistryStore store = new InMemoryRegistryStore();
    final CapturedLog captured = new CapturedLog();
    final Proofs.FakeSts sts = new Proofs.FakeSts(ACCOUNT, STACK_ID);
    final Proofs.RecordedVerifications verifications = new Proofs.RecordedVerifications();
    final EventReceiver receiver = new EventReceiver(() -> store, new IdentityProofCheck(null, null), sts,
            verifications, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC), captured.log,
            new Metrics(captured.log));

    EventReceiverTest() {
        store.tenants.put(TENANT, RegisteredTenant.withoutPolicy(EXTERNAL_ID));
        store.connections.put(TENANT + "/" + ACCOUNT, List.of(
                DeliveryOwnerTest.connection(DeliveryOwnerTest.ROLE_KEY, "ACTIVE", "CUR2")));
        store.stacks.put(STACK_ID, Set.of(TENANT));
    }

    static Map<String, Object> connectionEvent() {
        Map<String, Object> e = EventShapeTest.connectionEvent(ACCOUNT);
        e.put("externalIdSha256", TENANT);
        return e;
    }

    /** A detector's delivery event: its stack, no tenant. */
    static Map<String, Object> deliveryEvent() {
        return EventShapeTest.deliveryEvent(ACCOUNT, "CUR2");
    }

    /** A callback's request: proof signed by the stack's callback role, and the tenant's HMAC. */
    static Map<String, String> headers(byte[] body, long ts, String secret) {
        Map<String, String> h = deliveryHeaders(body, Proofs.CALLBACK_KEY);
        h.put("costlink-timestamp", Long.toString(ts));
        h.put("costlink-signature", CallbackSignature.sign(secret, ts, body));
        return h;
    }

    /** A detector's request: proof signed with {@code accessKey}, no HMAC. */
    static Map<String, String> deliveryHeaders(byte[] body, String accessKey) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json");
        h.put("host", Proofs.AUDIENCE);
        h.put("idempotency-key", EventShapeTest.KEY);
        h.put("costlink-identity", Proofs.sign(accessKey, body, Instant.ofEpochSecond(NOW)));
        return h;
    }

    HttpExchange.Response send(byte[] body, Map<String, String> headers, String method) {
        return receiver.receive(functionUrlRequest(method, headers, body));
    }

    /** What a Lambda function URL hands the function (payload format 2.0), the body base64-encoded byte for byte. */
    static byte[] functionUrlRequest(String method, Map<String, String> headers, byte[] body) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("requestContext", Map.of("http", Map.of("method", method)));
        request.put("headers", headers);
        request.put("body", Base64.getEncoder().encodeToString(body));
        request.put("isBase64Encoded", true);
        return Json.write(request);
    }

    HttpExchange.Response send(byte[] body) {
        return send(body, headers(body, NOW, EXTERNAL_ID), "POST");
    }

    HttpExchange.Response send(Map<String, Object> event) {
        byte[] body = Json.write(event);
        return EventShape.isConnection(event) ? send(body)
                : send(body, deliveryHeaders(body, Proofs.DETECTOR_KEY), "POST");
    }

    static void assertAnswer(int status, String key, String value, HttpExchange.Response r) {
        assertEquals(status, r.status(), r.body().toString());
        assertEquals(Map.of(key, value), r.body());
    }

    static void assertRefused(int status, String errorStart, HttpExchange.Response r) {
        assertEquals(status, r.status(), r.body().toString());
        assertTrue(String.valueOf(r.body().get("error")).startsWith(errorStart), r.body().toString());
    }

    // ------------------------------------------------------------------------------------------------ accepted
    @Test
    void aConnectionEventIsRecorded() {
        assertAnswer(200, "status", "accepted", send(connectionEvent()));
        assertEquals(1, store.writes.size());
        assertEquals(null, store.writes.get(0).owner(), "a connection event needs no owner");
        assertEquals(0, store.connectionReads);
    }

    @Test
    void theSameEventAgainIsADuplicate() {
        send(connectionEvent());
        assertAnswer(200, "status", "duplicate", send(connectionEvent()));
    }

    @Test
    void aDeliveryIsRecordedForTheConnectionItBelongsTo() {
        assertAnswer(200, "status", "accepted", send(deliveryEvent()));
        assertEquals(DeliveryOwnerTest.ROLE_KEY, store.writes.get(0).owner().connectionKey());
    }

    // ------------------------------------------------------------------------------------------------ refused early
    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})
    void onlyPostAndTheAnswerSaysSo(String method) {
        byte[] body = Json.write(connectionEvent());
        HttpExchange.Response r = send(body, headers(body, NOW, EXTERNAL_ID), method);
        assertRefused(405, "only POST is accepted", r);
        assertEquals(Map.of("allow", "POST"), r.headers());
        assertTrue(new String(r.toLambdaResult(), StandardCharsets.UTF_8)
                .contains("\"headers\":{\"content-type\":\"application/json\",\"allow\":\"POST\"}"));
    }

    @Test
    void otherRefusalsCarryNoAllowHeader() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("content-type", "text/plain");
        HttpExchange.Response r = send(body, h, "POST");
        assertRefused(415, "Content-Type must be application/json", r);
        assertEquals(Map.of(), r.headers());
    }

    @Test
    void contentTypeParametersAreFine() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("content-type", "Application/JSON; charset=utf-8");
        assertEquals(200, send(body, h, "POST").status());
    }

    @Test
    void oversizedBody() {
        Map<String, Object> e = connectionEvent();
        e.put("padding", "x".repeat(EventReceiver.MAX_BODY_BYTES));
        assertRefused(413, "body is larger than 65536 bytes", send(e));
    }

    @ParameterizedTest
    @ValueSource(strings = {"costlink-timestamp", "costlink-signature"})
    void missingSignatureHeaders(String header) {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.remove(header);
        assertRefused(401, "CostLink-Timestamp and CostLink-Signature are required", send(body, h, "POST"));
    }

    @ParameterizedTest
    @ValueSource(longs = {-301, 301, -86_400})
    void staleAndFutureTimestamps(long offset) {
        byte[] body = Json.write(connectionEvent());
        assertRefused(401, "stale or future timestamp", send(body, headers(body, NOW + offset, EXTERNAL_ID), "POST"));
    }

    @Test
    void theEdgesOfTheWindowAreAccepted() {
        byte[] body = Json.write(connectionEvent());
        assertEquals(200, send(body, headers(body, NOW - 300, EXTERNAL_ID), "POST").status());
        assertEquals(200, send(body, headers(body, NOW + 300, EXTERNAL_ID), "POST").status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-5", "1.5e9", "abc", "1234567890123"})
    void malformedTimestamps(String ts) {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-timestamp", ts);
        assertRefused(401, "stale or future timestamp", send(body, h, "POST"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "evt_short", "EVT_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void malformedIdempotencyKey(String key) {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("idempotency-key", key);
        assertRefused(400, "Idempotency-Key is missing or malformed", send(body, h, "POST"));
    }

    @Test
    void malformedJson() {
        assertRefused(400, "malformed JSON: not valid JSON", send("{\"type\": \"connection.created\",".getBytes()));
    }

    @Test
    void aSignedObjectFollowedByMoreBytesIsRefusedAndNothingIsWritten() {
        byte[] one = Json.write(connectionEvent());
        for (String tail : new String[] {" x", "{}", Json.writeString(connectionEvent())}) {
            byte[] body = (new String(one, StandardCharsets.UTF_8) + tail).getBytes(StandardCharsets.UTF_8);
            HttpExchange.Response r = send(body);
            assertRefused(400, "malformed JSON: more than one JSON value", r);
        }
        assertTrue(store.writes.isEmpty());
    }

    @Test
    void theShapeIsChecked() {
        Map<String, Object> e = connectionEvent();
        e.remove("connection");
        assertRefused(400, "connection.roleArn is required", send(e));
    }

    @Test
    void aConnectionEventNamingAnotherAccountIsRefusedAndNothingIsWritten() {
        Map<String, Object> e = connectionEvent();
        e.put("accountId", "999988887777");
        assertRefused(400, "connection.roleArn names another account than accountId", send(e));
        assertTrue(store.writes.isEmpty());
    }

    @Test
    void unknownTenant() {
        store.tenants.clear();
        assertRefused(404, "unknown tenant", send(connectionEvent()));
    }

    @Test
    void badSignature() {
        byte[] body = Json.write(connectionEvent());
        assertRefused(401, "bad signature", send(body, headers(body, NOW, "cl-not-the-secret"), "POST"));
        assertTrue(store.writes.isEmpty());
    }

    // ------------------------------------------------------------------------------------------------ deliveries
    @Test
    void aDeliveryNoActiveConnectionRecordsIsAConflictAndNothingIsWritten() {
        store.connections.clear();
        HttpExchange.Response r = send(deliveryEvent());
        assertRefused(409, "no ACTIVE connection registered by this stack in accountId records this delivery", r);
        assertTrue(store.writes.isEmpty());
    }

    @Test
    void aDeliveryOfARevokedConnectionIsAConflict() {
        store.connections.put(TENANT + "/" + ACCOUNT, List.of(
                DeliveryOwnerTest.connection(DeliveryOwnerTest.ROLE_KEY, "REVOKED", "CUR2")));
        assertEquals(409, send(deliveryEvent()).status());
    }

    @Test
    void aDeliveryOfAnotherBucketIsAConflict() {
        Map<String, Object> e = deliveryEvent();
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) e.get("delivery");
        d.put("bucket", "another-bucket");
        assertEquals(409, send(e).status());
        assertTrue(store.writes.isEmpty());
    }

    // ------------------------------------------------------------------------------------------------ the store
    @Test
    void whenTheConnectionChangesTheDecisionIsMadeAgain() {
        store.scripted.add(Recording.of(Recording.Outcome.CONNECTION_CHANGED));
        assertAnswer(200, "status", "accepted", send(deliveryEvent()));
        assertEquals(2, store.writes.size());
        assertEquals(2, store.connectionReads, "the owner is looked up again");
    }

    @Test
    void aConnectionRevokedMeanwhileMakesTheDeliveryAConflict() {
        store.scripted.add(Recording.of(Recording.Outcome.CONNECTION_CHANGED));
        store.nextConnectionReads.add(store.connections.get(TENANT + "/" + ACCOUNT));
        store.nextConnectionReads.add(List.of(DeliveryOwnerTest.connection(DeliveryOwnerTest.ROLE_KEY, "REVOKED", "CUR2")));
        assertRefused(409, "no ACTIVE connection", send(deliveryEvent()));
        assertEquals(1, store.writes.size());
    }

    @Test
    void aConnectionThatKeepsChangingIsRetriedBySender() {
        for (int i = 0; i < EventReceiver.MAX_TRIES; i++) {
            store.scripted.add(Recording.of(Recording.Outcome.CONNECTION_CHANGED));
        }
        assertRefused(503, "registry temporarily unavailable", send(connectionEvent()));
        assertEquals(EventReceiver.MAX_TRIES, store.writes.size());
    }

    @Test
    void aBusyStoreIsA503() {
        store.scripted.add(new Recording(Recording.Outcome.BUSY, "cancellation reasons [None, ThrottlingError]"));
        assertRefused(503, "registry temporarily unavailable", send(connectionEvent()));
        assertEquals(1, store.writes.size(), "the sender retries, not the receiver");
    }

    @Test
    void anUnstorableEventIsAFinal422WithoutItsContent() {
        store.scripted.add(new Recording(Recording.Outcome.UNSTORABLE, "cancellation reasons [None, ValidationError]"));
        Map<String, Object> e = connectionEvent();
        HttpExchange.Response r = send(e);
        assertRefused(422, "the registry cannot store this event", r);
        String answer = r.body().toString();
        assertFalse(answer.contains(ACCOUNT) || answer.contains(TENANT) || answer.contains("ValidationError"), answer);
    }

    @Test
    void aStoreFailureIsA503() {
        store.failure = new IllegalStateException("DynamoDB unreachable");
        HttpExchange.Response r = send(connectionEvent());
        assertRefused(503, "registry temporarily unavailable", r);
        assertFalse(r.body().toString().contains("unreachable"));
    }

    // ------------------------------------------------------------------------------------------------ unreadable, unconfigured
    @Test
    void aRequestThatIsNotAFunctionUrlRequestIsRefusedWithoutQuotingIt() {
        HttpExchange.Response r = receiver.receive("{\"headers\": cl-Secret-Looking".getBytes(StandardCharsets.UTF_8));
        assertRefused(400, "not a function URL request", r);
        assertFalse(captured.text().contains("cl-Secret-Looking"));
        assertEquals(List.of(refusedMetric("BadRequest")), metricsOf(captured.metrics()));
    }

    @Test
    void aStoreThatCannotBeConfiguredIsA503CountedLikeAnyOther() {
        EventReceiver unconfigured = new EventReceiver(() -> {
            throw new IllegalStateException("registry is not configured: COSTLINK_EVENTS_TABLE must be set");
        }, new IdentityProofCheck(null, null), sts, verifications, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC),
                captured.log, new Metrics(captured.log));
        byte[] body = Json.write(connectionEvent());
        assertRefused(503, "registry temporarily unavailable",
                unconfigured.receive(functionUrlRequest("POST", headers(body, NOW, EXTERNAL_ID), body)));
        assertEquals(List.of(refusedMetric("Unavailable")), metricsOf(captured.metrics()));
    }

    // ------------------------------------------------------------------------------------------------ metrics
    /** Each EMF line as (metric names, dimension sets, dimension values) for comparison. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> metricsOf(List<Map<String, Object>> lines) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (Map<String, Object> line : lines) {
            Map<String, Object> aws = (Map<String, Object>) line.get("_aws");
            Map<String, Object> directive = ((List<Map<String, Object>>) aws.get("CloudWatchMetrics")).get(0);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("metrics", ((List<Map<String, Object>>) directive.get("Metrics")).stream()
                    .map(m -> m.get("Name")).toList());
            summary.put("dimensions", directive.get("Dimensions"));
            for (List<String> set : (List<List<String>>) directive.get("Dimensions")) {
                set.forEach(key -> summary.put(key, line.get(key)));
            }
            out.add(summary);
        }
        return out;
    }

    static Map<String, Object> refusedMetric(String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metrics", List.of("EventsRefused"));
        m.put("dimensions", List.of(List.of(), List.of("Reason")));
        m.put("Reason", reason);
        return m;
    }

    @Test
    void everyAnswerIsCountedOnceAsAcceptedDuplicateOrRefused() {
        send(connectionEvent());
        send(connectionEvent());
        store.connections.clear();
        send(deliveryEvent());
        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("metrics", List.of("EventsAccepted"));
        accepted.put("dimensions", List.of(List.of(), List.of("EventType")));
        accepted.put("EventType", "connection.created");
        Map<String, Object> duplicate = new LinkedHashMap<>();
        duplicate.put("metrics", List.of("EventsDuplicate"));
        duplicate.put("dimensions", List.of(List.of()));
        assertEquals(List.of(accepted, duplicate, refusedMetric("NoOwningConnection")), metricsOf(captured.metrics()));
    }

    @Test
    void eachRefusalIsCountedByItsReasonNeverItsText() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        send(body, h, "GET");
        Map<String, String> text = new LinkedHashMap<>(h);
        text.put("content-type", "text/plain");
        send(body, text, "POST");
        Map<String, Object> padded = connectionEvent();
        padded.put("padding", "x".repeat(EventReceiver.MAX_BODY_BYTES));
        send(padded);
        Map<String, String> unsigned = new LinkedHashMap<>(h);
        unsigned.remove("costlink-signature");
        send(body, unsigned, "POST");
        send(body, headers(body, NOW - 3_600, EXTERNAL_ID), "POST");
        Map<String, String> noKey = new LinkedHashMap<>(h);
        noKey.remove("idempotency-key");
        send(body, noKey, "POST");
        send("{\"type\":".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> shapeless = connectionEvent();
        shapeless.remove("connection");
        send(shapeless);
        send(body, headers(body, NOW, "cl-not-the-secret"), "POST");
        store.scripted.add(new Recording(Recording.Outcome.UNSTORABLE, "cancellation reasons [None, ValidationError]"));
        send(connectionEvent());
        store.scripted.add(new Recording(Recording.Outcome.BUSY, "cancellation reasons [None, ThrottlingError]"));
        send(connectionEvent());
        store.tenants.clear();
        send(connectionEvent());
        List<String> reasons = metricsOf(captured.metrics()).stream().map(m -> (String) m.get("Reason")).toList();
        assertEquals(List.of("MethodNotAllowed", "UnsupportedMediaType", "TooLarge", "Unsigned", "StaleTimestamp",
                "BadRequest", "MalformedJson", "WrongShape", "BadSignature", "Unstorable", "Unavailable",
                "UnknownTenant"), reasons);
        for (Verdict.Refusal refusal : Verdict.Refusal.values()) {
            assertTrue(refusal.reason.matches("[A-Za-z]{1,40}"), refusal.reason);
        }
    }

    @Test
    void aFailingStoreIsCountedAsUnavailable() {
        store.failure = new IllegalStateException("DynamoDB unreachable");
        send(connectionEvent());
        assertEquals(List.of(refusedMetric("Unavailable")), metricsOf(captured.metrics()));
    }

    // ------------------------------------------------------------------------------------------------ a payer's members
    static Map<String, Object> deletedEvent() {
        Map<String, Object> e = connectionEvent();
        e.put("type", "connection.deleted");
        return e;
    }

    static final String PAYER_KEY = "111122223333#arn:aws:iam::111122223333:role/CostLink-ReadAccess";

    @Test
    void aRecordedDeleteRevokesThePayersMembers() {
        assertAnswer(200, "status", "accepted", send(deletedEvent()));
        assertEquals(List.of(List.of(TENANT, PAYER_KEY, EventShapeTest.KEY)), store.revocations);
    }

    @Test
    void anUnfinishedRevocationIsA503AndTheRetryCarriesItOn() {
        store.scriptedRevocations.add(MemberRevocation.unfinished(99, "time budget spent"));
        assertRefused(503, "registry temporarily unavailable", send(deletedEvent()));
        assertAnswer(200, "status", "duplicate", send(deletedEvent()));
        assertEquals(2, store.revocations.size(), "the duplicate revokes again: only what is left");
        List<String> reasons = metricsOf(captured.metrics()).stream()
                .map(m -> m.containsKey("Reason") ? (String) m.get("Reason") : (String) ((List<?>) m.get("metrics")).get(0))
                .toList();
        assertEquals(List.of("Unavailable", "EventsDuplicate"), reasons);
    }

    @Test
    void otherEventsRevokeNothing() {
        send(connectionEvent());
        send(deliveryEvent());
        Map<String, Object> updated = connectionEvent();
        updated.put("type", "connection.updated");
        updated.put("id", "evt_" + "b".repeat(40));
        send(Json.write(updated), headersWithKey(Json.write(updated), "evt_" + "b".repeat(40)), "POST");
        assertTrue(store.revocations.isEmpty());
    }

    @Test
    void aRefusedDeleteRevokesNothing() {
        store.scripted.add(new Recording(Recording.Outcome.BUSY, "cancellation reasons [None, ThrottlingError]"));
        assertEquals(503, send(deletedEvent()).status());
        assertTrue(store.revocations.isEmpty());
    }

    static Map<String, String> headersWithKey(byte[] body, String key) {
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("idempotency-key", key);
        return h;
    }

    // ------------------------------------------------------------------------------------------------ proof of origin
    void assertRefusedAndNothingWritten(int status, String reason, HttpExchange.Response r) {
        assertEquals(status, r.status(), r.body().toString());
        assertEquals(List.of(refusedMetric(reason)), metricsOf(captured.metrics()));
        assertTrue(store.writes.isEmpty(), "nothing is written");
        assertTrue(verifications.requests.isEmpty());
    }

    @Test
    void anEventForgedWithOnlyTheExternalIdIsRefusedBeforeAnyLookup() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.remove("costlink-identity");
        assertRefusedAndNothingWritten(401, "IdentityMissing", send(body, h, "POST"));
        assertEquals(0, store.tenantReads, "the cheap local check comes before the tenant");
        assertTrue(sts.replays.isEmpty());
    }

    @Test
    void aDeliveryWithoutProofIsRefused() {
        byte[] body = Json.write(deliveryEvent());
        Map<String, String> h = deliveryHeaders(body, Proofs.DETECTOR_KEY);
        h.remove("costlink-identity");
        assertRefusedAndNothingWritten(401, "IdentityMissing", send(body, h, "POST"));
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() {
        Map<String, Object> e = connectionEvent();
        byte[] signedBody = Json.write(e);
        e.put("region", "eu-west-1");
        byte[] body = Json.write(e);
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", Proofs.sign(Proofs.CALLBACK_KEY, signedBody, Instant.ofEpochSecond(NOW)));
        assertRefusedAndNothingWritten(401, "IdentityWrongBody", send(body, h, "POST"));
        assertTrue(sts.replays.isEmpty());
    }

    @Test
    void aProofForAnotherAudienceIsRefused() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", Proofs.sign(Proofs.CALLBACK_KEY, body, Instant.ofEpochSecond(NOW), Proofs.STS,
                "registry.another-vendor.example"));
        assertRefusedAndNothingWritten(401, "IdentityWrongAudience", send(body, h, "POST"));
    }

    @Test
    void anExpiredProofIsRefused() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", Proofs.sign(Proofs.CALLBACK_KEY, body, Instant.ofEpochSecond(NOW - 20 * 60)));
        assertRefusedAndNothingWritten(401, "IdentityExpired", send(body, h, "POST"));
    }

    @Test
    void aProofSignedForAnotherEndpointIsNeverReplayed() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", Proofs.sign(Proofs.CALLBACK_KEY, body, Instant.ofEpochSecond(NOW),
                java.net.URI.create("https://attacker.example/"), Proofs.AUDIENCE));
        assertRefusedAndNothingWritten(401, "IdentityWrongEndpoint", send(body, h, "POST"));
        assertTrue(sts.replays.isEmpty(), "no request to a host the sender chose");
    }

    @Test
    void anUnreadableProofIsRefusedWithoutQuotingIt() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", "v1.cl-Secret-Looking");
        HttpExchange.Response r = send(body, h, "POST");
        assertRefusedAndNothingWritten(401, "IdentityUnreadable", r);
        assertFalse(captured.text().contains("cl-Secret-Looking"));
    }

    @Test
    void theTenantBindingIsCheckedBeforeTheStsRoundTrip() {
        byte[] body = Json.write(connectionEvent());
        assertRefusedAndNothingWritten(401, "BadSignature", send(body, headers(body, NOW, "cl-not-the-secret"), "POST"));
        assertTrue(sts.replays.isEmpty());
    }

    @Test
    void stsDownIsA503AndNothingIsRecorded() {
        sts.failure = new Refused(Verdict.Refusal.IDENTITY_UNVERIFIABLE, "STS could not be reached: retry later");
        HttpExchange.Response r = send(connectionEvent());
        assertRefusedAndNothingWritten(503, "IdentityUnverifiable", r);
        assertRefused(503, "STS could not be reached", r);
    }

    @Test
    void aProofStsRefusesIsA401() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", Proofs.sign("ASIAUNKNOWNKEY000001", body, Instant.ofEpochSecond(NOW)));
        assertRefusedAndNothingWritten(401, "IdentityRejected", send(body, h, "POST"));
    }

    @Test
    void anotherAccountsIdentityIsA403() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", Proofs.sign(Proofs.OTHER_ACCOUNT_KEY, body, Instant.ofEpochSecond(NOW)));
        assertRefusedAndNothingWritten(403, "WrongAccount", send(body, h, "POST"));
    }

    @Test
    void anotherRoleOfTheSameAccountIsA403() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", Proofs.sign(Proofs.OTHER_ROLE_KEY, body, Instant.ofEpochSecond(NOW)));
        assertRefusedAndNothingWritten(403, "WrongRole", send(body, h, "POST"));
    }

    @Test
    void theDetectorCannotSendConnectionEventsNorTheCallbackDeliveries() {
        byte[] body = Json.write(connectionEvent());
        Map<String, String> h = headers(body, NOW, EXTERNAL_ID);
        h.put("costlink-identity", Proofs.sign(Proofs.DETECTOR_KEY, body, Instant.ofEpochSecond(NOW)));
        assertEquals(403, send(body, h, "POST").status());
        byte[] delivery = Json.write(deliveryEvent());
        assertEquals(403, send(delivery, deliveryHeaders(delivery, Proofs.CALLBACK_KEY), "POST").status());
        assertEquals(List.of(refusedMetric("WrongRole"), refusedMetric("WrongRole")), metricsOf(captured.metrics()));
        assertTrue(store.writes.isEmpty());
    }

    @Test
    void anUpdateFromAnotherStackIsA403() {
        store.scripted.add(Recording.of(Recording.Outcome.WRONG_STACK));
        Map<String, Object> e = connectionEvent();
        e.put("type", "connection.updated");
        assertRefused(403, "the connection is registered by another stack", send(e));
        assertEquals(List.of(refusedMetric("WrongStack")), metricsOf(captured.metrics()));
        assertTrue(verifications.requests.isEmpty());
    }

    // ------------------------------------------------------------------------------------------------ deliveries by stack
    @Test
    void aDeliveryIsMappedToItsTenantThroughItsStack() {
        assertAnswer(200, "status", "accepted", send(deliveryEvent()));
        assertEquals(TENANT, store.writes.get(0).target().tenant());
        assertEquals(0, store.tenantReads, "a delivery needs no ExternalId");
    }

    @Test
    void aDeliveryOfAStackWithoutConnectionIsAConflict() {
        store.stacks.clear();
        assertRefused(409, "no ACTIVE connection registered by this stack", send(deliveryEvent()));
        assertTrue(store.writes.isEmpty());
    }

    @Test
    void aDeliveryNamingAnotherTenantThanItsConnectionsIsAConflict() {
        Map<String, Object> e = deliveryEvent();
        e.put("externalIdSha256", "c".repeat(64));
        assertEquals(409, send(e).status());
        e.put("externalIdSha256", TENANT);
        assertEquals(200, send(e).status());
    }

    // ------------------------------------------------------------------------------------------------ PENDING, policy
    @Test
    void aRecordedCreatedAsksTheVerifierToProveTheRole() {
        send(connectionEvent());
        assertTrue(store.writes.get(0).target().allowedByPolicy());
        assertEquals(List.of(List.of(TENANT, DeliveryOwnerTest.ROLE_KEY)), verifications.requests);
        send(connectionEvent());
        assertEquals(1, verifications.requests.size(), "a duplicate asks nothing");
    }

    @Test
    void anAccountOutsideTheTenantsPolicyIsHeldNotProved() {
        store.tenants.put(TENANT, new RegisteredTenant(EXTERNAL_ID, Set.of("999988887777"), null));
        assertAnswer(200, "status", "accepted", send(connectionEvent()));
        assertFalse(store.writes.get(0).target().allowedByPolicy());
        assertTrue(verifications.requests.isEmpty());
    }

    @Test
    void aPayerOfAnAllowedOrganizationIsAllowed() {
        store.tenants.put(TENANT, new RegisteredTenant(EXTERNAL_ID, null, Set.of("o-abc123")));
        Map<String, Object> e = connectionEvent();
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) e.get("connection");
        facts.put("organization", Map.of("organizationId", "o-abc123"));
        send(e);
        assertTrue(store.writes.get(0).target().allowedByPolicy());
    }

    @Test
    void aDeleteAsksNoProof() {
        send(deletedEvent());
        assertTrue(verifications.requests.isEmpty());
    }
}
