package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.JsonLog;
import dev.costlink.verifier.VerificationWorker.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Record first, publish once: every failure between the two, and every repeat or race, injected. */
class VerificationWorkerTest {
    private final FakeCustomerAccount account = new FakeCustomerAccount();
    private final InMemoryHealthStore store = new InMemoryHealthStore(Fixtures.connection(BillingFacts.NONE));
    private final List<HealthEvent> published = new ArrayList<>();
    private RuntimeException publishFailure;
    private final List<String> metrics = new ArrayList<>();
    private final VerificationWorker worker = new VerificationWorker(store, event -> {
        if (publishFailure != null) {
            throw publishFailure;
        }
        published.add(event);
    }, new ConnectionVerifier(account, Thresholds.DEFAULT), new AlertPolicy(Duration.ofHours(24)),
            new JsonLog("verifier-worker-test"), new WorkerMetrics((d, v) -> metrics.addAll(v.keySet())));

    private Outcome handle(Instant asOf) {
        Connection c = store.stored;
        return worker.handle(new VerificationRequest(c.tenant().id(), c.key(), asOf));
    }

    @Test
    void theFirstVerificationIsRecordedAndPublishedOnce() {
        assertEquals(Outcome.PUBLISHED, handle(NOW));
        assertEquals(1, published.size());
        HealthEvent e = published.get(0);
        assertTrue(e.message().contains("\"connection\":\"costlink-111122223333-f011dd253f837458\""), e.message());
        assertEquals(HealthEvent.eventId(store.stored.id(), NOW), e.eventId());
        assertEquals(HealthStatus.HEALTHY, store.health().status());
        assertEquals(NOW, store.health().publishedAt());
        assertNull(store.health().pending(), "cleared once published");
        assertEquals(Outcome.RECORDED, handle(NOW.plusSeconds(3600)), "unchanged: recorded, not published");
        assertEquals(1, published.size());
    }

    @Test
    void aFailedRecordPublishesNothing() {
        store.failRecord = new IllegalStateException("DynamoDB unavailable");
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThrows(IllegalStateException.class, () -> handle(NOW), "SQS redelivers");
        }
        assertEquals(List.of(), published);
        store.failRecord = null;
        assertEquals(Outcome.PUBLISHED, handle(NOW));
        assertEquals(1, published.size());
    }

    @Test
    void aFailedPublishStaysPendingAndTheRedeliveryPublishesItWithoutVerifyingAgain() {
        publishFailure = new IllegalStateException("SNS unavailable");
        assertThrows(IllegalStateException.class, () -> handle(NOW));
        HealthEvent pending = store.health().pending();
        assertNotNull(pending, "the alert is not lost");
        assertEquals(HealthStatus.HEALTHY, store.health().status());
        publishFailure = null;
        int assumed = account.assumed;
        assertEquals(Outcome.ALREADY_VERIFIED, handle(NOW));
        assertEquals(List.of(pending), published);
        assertNull(store.health().pending());
        assertEquals(assumed, account.assumed, "the checks did not run again");
        assertEquals(Outcome.ALREADY_VERIFIED, handle(NOW));
        assertEquals(1, published.size(), "published once");
    }

    @Test
    void aPendingEventIsPublishedByTheNextScheduledRunToo() {
        publishFailure = new IllegalStateException("SNS unavailable");
        assertThrows(IllegalStateException.class, () -> handle(NOW));
        HealthEvent pending = store.health().pending();
        publishFailure = null;
        account.refusal = "AccessDenied";
        assertEquals(Outcome.PUBLISHED, handle(NOW.plus(Duration.ofHours(1))), "status changed: a new event too");
        assertEquals(2, published.size());
        assertSame(pending, published.get(0), "the older event first");
        assertTrue(published.get(1).message().contains("\"status\":\"UNHEALTHY\""));
        assertNull(store.health().pending());
    }

    @Test
    void whenClearingTheMarkerFailsTheSameEventIsPublishedAgainWithTheSameId() {
        store.failPublished = new IllegalStateException("DynamoDB unavailable");
        assertThrows(IllegalStateException.class, () -> handle(NOW));
        store.failPublished = null;
        assertEquals(Outcome.ALREADY_VERIFIED, handle(NOW));
        assertEquals(2, published.size());
        assertEquals(published.get(0).eventId(), published.get(1).eventId(), "subscribers deduplicate on eventId");
        assertEquals(published.get(0), published.get(1));
    }

    @Test
    void aRunThatLosesTheRaceToRecordPublishesNothing() {
        Instant other = NOW.minusSeconds(60);
        store.beforeRecord = () -> store.set(new HealthState(HealthStatus.HEALTHY, other, other, null));
        assertEquals(Outcome.SUPERSEDED, handle(NOW));
        assertEquals(List.of(), published);
        assertEquals(other, store.health().checkedAt(), "the other run's record stands");
    }

    @Test
    void aRepeatedOrLateMessageDoesNothing() {
        assertEquals(Outcome.PUBLISHED, handle(NOW));
        int assumed = account.assumed;
        assertEquals(Outcome.ALREADY_VERIFIED, handle(NOW), "the same message again");
        assertEquals(Outcome.ALREADY_VERIFIED, handle(NOW.minus(Duration.ofHours(1))), "an older run's message");
        assertEquals(assumed, account.assumed);
        assertEquals(1, store.records);
        assertEquals(1, published.size());
    }

    @Test
    void onlyARecordedVerificationIsCountedAndOnlyOnce() {
        assertEquals(Outcome.PUBLISHED, handle(NOW));
        assertEquals(List.of("ConnectionsChecked", "AssumeRoleFailures"), metrics);
        metrics.clear();
        assertEquals(Outcome.ALREADY_VERIFIED, handle(NOW));
        assertEquals(Outcome.INACTIVE, worker.handle(new VerificationRequest("other", "key", NOW)));
        store.beforeRecord = () -> store.set(new HealthState(HealthStatus.HEALTHY, NOW.plusSeconds(60), NOW, null));
        assertEquals(Outcome.SUPERSEDED, handle(NOW.plusSeconds(3600)));
        assertEquals(List.of(), metrics, "repeats, gone connections and lost races count nothing");
    }

    @Test
    void theNewestValidCurDeliveryTheRegistryHoldsGivesItsAge() {
        List<Map<String, ? extends Number>> values = new ArrayList<>();
        VerificationWorker measured = new VerificationWorker(store, published::add,
                new ConnectionVerifier(account, Thresholds.DEFAULT), new AlertPolicy(Duration.ofHours(24)),
                new JsonLog("verifier-worker-test"), new WorkerMetrics((d, v) -> values.add(v)));
        store.reported = new DeliveryReports(List.of(
                new ReportedDelivery("CUR2", "X", Map.of("type", "delivery.invalid"), NOW.minus(Duration.ofHours(30)),
                        List.of()),
                new ReportedDelivery("CUR1", "R", Map.of("type", "delivery.completed"), NOW.minus(Duration.ofHours(6)),
                        List.of()),
                new ReportedDelivery("CARBON", "C", Map.of("type", "delivery.completed"), NOW.minusSeconds(60),
                        List.of())));
        measured.handle(new VerificationRequest(store.stored.tenant().id(), store.stored.key(), NOW));
        assertEquals(6.0, values.get(1).get("LastValidDeliveryAgeHours"), "CUR kinds only, the newest valid");
    }

    @Test
    void aConnectionGoneSinceTheScheduleIsSkipped() {
        assertEquals(Outcome.INACTIVE, worker.handle(new VerificationRequest("other", "key", NOW)));
        assertEquals(0, account.assumed);
    }

    @Test
    void anUnhealthyConnectionIsRemindedAfterTheInterval() {
        account.refusal = "AccessDenied";
        assertEquals(Outcome.PUBLISHED, handle(NOW));
        assertEquals(Outcome.RECORDED, handle(NOW.plus(Duration.ofHours(23))));
        assertEquals(Outcome.PUBLISHED, handle(NOW.plus(Duration.ofHours(24))));
        assertEquals(2, published.size());
        assertTrue(published.get(1).subject().contains("(still UNHEALTHY; failed assume-role)"), published.get(1).subject());
    }
}
