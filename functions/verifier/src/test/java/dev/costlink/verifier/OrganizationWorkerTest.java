package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.costlink.common.JsonLog;
import dev.costlink.verifier.VerificationWorker.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's two organisation hooks: the payer's run before its checks, and members that publish nothing. */
class OrganizationWorkerTest {
    private final FakeCustomerAccount account = new FakeCustomerAccount();
    private final List<HealthEvent> published = new ArrayList<>();
    private final List<String> hooked = new ArrayList<>();
    private RuntimeException hookFailure;

    private VerificationWorker worker(InMemoryHealthStore store) {
        return new VerificationWorker(store, published::add, new ConnectionVerifier(account, Thresholds.DEFAULT),
                new AlertPolicy(Duration.ofHours(24)), (c, asOf) -> {
                    if (hookFailure != null) {
                        throw hookFailure;
                    }
                    hooked.add(c.key() + "@" + asOf);
                }, new JsonLog("org-worker-test"), WorkerMetrics.NONE);
    }

    private static Outcome handle(VerificationWorker w, InMemoryHealthStore store, Instant asOf) {
        return w.handle(new VerificationRequest(store.stored.tenant().id(), store.stored.key(), asOf));
    }

    @Test
    void aMemberRecordsItsHealthButPublishesNoEventOfItsOwn() {
        InMemoryHealthStore store = new InMemoryHealthStore(Fixtures.connection(BillingFacts.NONE,
                HealthState.NEVER_CHECKED, new OrganizationLink(null, OrgFixtures.PAYER_KEY, false)));
        VerificationWorker w = worker(store);
        assertEquals(Outcome.RECORDED, handle(w, store, NOW));
        account.refusal = "AccessDenied: not authorized";
        assertEquals(Outcome.RECORDED, handle(w, store, NOW.plus(Duration.ofHours(1))), "a change, still no event");
        assertEquals(HealthStatus.UNHEALTHY, store.health().status());
        assertEquals(List.of(), published);
        assertEquals(null, store.health().publishedAt());
    }

    @Test
    void theHookRunsBeforeTheChecksOncePerRun() {
        InMemoryHealthStore store = new InMemoryHealthStore(Fixtures.connection(BillingFacts.NONE));
        VerificationWorker w = worker(store);
        hookFailure = new IllegalStateException("queue unavailable");
        assertThrows(IllegalStateException.class, () -> handle(w, store, NOW));
        assertEquals(0, store.records, "nothing recorded: SQS redelivers and the run starts again");
        assertEquals(0, account.assumed, "the checks did not run");
        hookFailure = null;
        assertEquals(Outcome.PUBLISHED, handle(w, store, NOW));
        assertEquals(Outcome.ALREADY_VERIFIED, handle(w, store, NOW));
        assertEquals(List.of(store.stored.key() + "@" + NOW), hooked);
    }
}
