package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static dev.costlink.verifier.OrgFixtures.MANAGEMENT;
import static dev.costlink.verifier.OrgFixtures.PAYER_KEY;
import static dev.costlink.verifier.OrgFixtures.ROOT_TARGET;
import static dev.costlink.verifier.OrgFixtures.active;
import static dev.costlink.verifier.OrgFixtures.health;
import static dev.costlink.verifier.OrgFixtures.member;
import static dev.costlink.verifier.OrgFixtures.payerItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.costlink.common.JsonLog;
import dev.costlink.verifier.CoverageStep.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coverage waits for the run's members, records once, and publishes one organisation event per decision. */
class CoverageStepTest {
    private static final ListingSummary LISTED = new ListingSummary(null, MANAGEMENT, true, 2);
    private final Connection payer = OrgFixtures.payer(ROOT_TARGET);
    private final InMemoryHealthStore connections = new InMemoryHealthStore(payer);
    private final InMemoryOrganizationStore store = new InMemoryOrganizationStore();
    private final CapturedQueue queue = new CapturedQueue();
    private final List<HealthEvent> published = new ArrayList<>();
    private RuntimeException publishFailure;
    private final CoverageStep step = new CoverageStep(connections, store, event -> {
        if (publishFailure != null) {
            throw publishFailure;
        }
        published.add(event);
    }, new AlertPolicy(Duration.ofHours(24)), queue::outbox, new OrganizationConfig(30, 2), new JsonLog("cov-test"));

    private Outcome run(Instant asOf, int attempt) {
        return step.handle(new CoverageRequest(payer.tenant().id(), payer.key(), asOf, attempt, LISTED));
    }

    private void members(Instant verifiedAt, Check.Result sandbox) {
        store.with(payerItem(payer, Check.Result.PASS),
                member(PAYER_KEY, active("111111111111", "Prod"), true, health(verifiedAt, Check.Result.PASS)),
                member(PAYER_KEY, active("222222222222", "Sandbox"), true, health(verifiedAt, sandbox)));
    }

    @Test
    void itWaitsForTheRunsMembersThenRecordsAndPublishesOnce() {
        members(NOW.minus(Duration.ofHours(1)), Check.Result.PASS);
        assertEquals(Outcome.WAITING, run(NOW, 0));
        CoverageRequest again = CoverageRequest.parse(queue.messages().get(0).messageBody());
        assertEquals(1, again.attempt());
        assertEquals(30, queue.messages().get(0).delaySeconds());
        members(NOW, Check.Result.FAIL);
        assertEquals(Outcome.PUBLISHED, run(NOW, 1));
        assertEquals(1, published.size());
        assertEquals("DEGRADED", published.get(0).attributes().get("status"));
        assertNull(store.coverage.pending(), "cleared once published");
        assertEquals(Outcome.ALREADY_RECORDED, run(NOW, 1), "a redelivered message");
        assertEquals(1, published.size());
    }

    @Test
    void itWaitsUntilTheRunsMemberChangesAreApplied() {
        store.with(payerItem(payer, Check.Result.PASS),
                member(PAYER_KEY, active("111111111111", "Prod"), true, health(NOW, Check.Result.PASS)));
        assertEquals(Outcome.WAITING, run(NOW, 0), "the listing calls for two ACTIVE members; one is there");
        store.with(member(PAYER_KEY, active("222222222222", "New"), true, health(NOW, Check.Result.PASS)),
                member(PAYER_KEY, active("333333333333", "Leaving"), true, health(NOW, Check.Result.PASS)));
        assertEquals(Outcome.WAITING, run(NOW, 1), "three: a departure is not applied yet");
        assertEquals(Outcome.PUBLISHED, run(NOW, 2), "the last recheck computes whatever is there");
    }

    @Test
    void afterTheLastRecheckTheUnfinishedMembersAreReportedNotWaitedFor() {
        members(NOW.minus(Duration.ofHours(1)), Check.Result.PASS);
        assertEquals(Outcome.PUBLISHED, run(NOW, 2));
        assertEquals(List.of("not-verified", "not-verified"),
                store.recorded.notConnected().stream().map(Coverage.Entry::reason).toList());
    }

    @Test
    void anUnchangedCoverageIsRecordedSilentlyAndAChangedOnePublishes() {
        members(NOW, Check.Result.FAIL);
        run(NOW, 0);
        Instant next = NOW.plus(Duration.ofHours(1));
        members(next, Check.Result.FAIL);
        assertEquals(Outcome.RECORDED, run(next, 0), "same status, same account, same reason");
        Instant third = NOW.plus(Duration.ofHours(2));
        store.with(payerItem(payer, Check.Result.PASS),
                member(PAYER_KEY, active("111111111111", "Prod"), true, health(third, Check.Result.FAIL)),
                member(PAYER_KEY, active("222222222222", "Sandbox"), true, health(third, Check.Result.PASS)));
        assertEquals(Outcome.PUBLISHED, run(third, 0), "another account failing: news, though still DEGRADED");
        assertEquals(2, published.size());
        assertEquals(List.of(third, third), List.of(store.coverage.checkedAt(), store.coverage.publishedAt()));
    }

    @Test
    void aLateRunNeverOverwritesALaterOne() {
        members(NOW.plus(Duration.ofHours(1)), Check.Result.PASS);
        run(NOW.plus(Duration.ofHours(1)), 0);
        assertEquals(Outcome.ALREADY_RECORDED, run(NOW, 0));
    }

    @Test
    void aFailedPublishStaysPendingAndTheNextMessagePublishesIt() {
        members(NOW, Check.Result.PASS);
        publishFailure = new IllegalStateException("SNS unavailable");
        assertThrows(IllegalStateException.class, () -> run(NOW, 0));
        assertEquals(1, store.coverageRecords);
        String eventId = store.coverage.pending().eventId();
        publishFailure = null;
        assertEquals(Outcome.ALREADY_RECORDED, run(NOW, 0), "the redelivery publishes, computes nothing again");
        assertEquals(List.of(eventId), published.stream().map(HealthEvent::eventId).toList());
        assertNull(store.coverage.pending());
    }

    @Test
    void aPayerNoLongerActiveOrWithoutOrganisationIsSkipped() {
        connections.stored = Fixtures.connection(BillingFacts.NONE);
        assertEquals(Outcome.INACTIVE, step.handle(new CoverageRequest(Fixtures.TENANT.id(), connections.stored.key(),
                NOW, 0, LISTED)));
        assertEquals(Outcome.INACTIVE, step.handle(new CoverageRequest("other", "gone", NOW, 0, LISTED)));
    }
}
