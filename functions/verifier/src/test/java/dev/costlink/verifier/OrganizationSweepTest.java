package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static dev.costlink.verifier.OrgFixtures.MANAGEMENT;
import static dev.costlink.verifier.OrgFixtures.PAYER_KEY;
import static dev.costlink.verifier.OrgFixtures.ROOT_TARGET;
import static dev.costlink.verifier.OrgFixtures.active;
import static dev.costlink.verifier.OrgFixtures.health;
import static dev.costlink.verifier.OrgFixtures.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.JsonLog;
import dev.costlink.verifier.OrganizationDirectory.Listing;
import dev.costlink.verifier.OrganizationDirectory.ListingRefused;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The payer's run lists the organisation and queues each member change and the run's coverage; it writes nothing. */
class OrganizationSweepTest {
    private final InMemoryOrganizationStore store = new InMemoryOrganizationStore();
    private final CapturedQueue queue = new CapturedQueue();
    private final List<OrgAccount> accounts = new ArrayList<>(List.of(active(MANAGEMENT, "master")));
    private String refusal;
    private final OrganizationDirectory directory = (role, externalId, org) -> {
        assertEquals("cl-the-external-id", externalId);
        assertEquals(OrgFixtures.PAYER_ROLE, role);
        if (refusal != null) {
            throw new ListingRefused(refusal);
        }
        return new Listing(MANAGEMENT, accounts);
    };
    private final OrganizationSweep sweep = new OrganizationSweep(directory, store, queue::outbox,
            new OrganizationConfig(45, 20), new JsonLog("sweep-test"));
    private final Connection payer = OrgFixtures.payer(ROOT_TARGET);

    private List<String> changes() {
        return queue.bodies().stream().filter(b -> MemberRequest.TASK.equals(b.get("task")))
                .map(b -> b.get("change") + " " + ((Map<?, ?>) b.get("account")).get("id")).toList();
    }

    private Map<String, Object> coverageMessage() {
        List<Map<String, Object>> coverage = queue.bodies().stream()
                .filter(b -> CoverageRequest.TASK.equals(b.get("task"))).toList();
        assertEquals(1, coverage.size());
        return coverage.get(0);
    }

    @Test
    void newAccountsAreQueuedAsActivationsInBatchesThenTheCoverageDelayed() {
        for (int i = 0; i < 23; i++) {
            accounts.add(active(String.format("1%011d", i), "A" + i));
        }
        sweep.beforeChecks(payer, NOW);
        assertEquals(23, changes().size());
        assertTrue(changes().stream().allMatch(c -> c.startsWith("ACTIVATE ")));
        assertEquals(List.of(), store.applied, "the payer's run writes no member itself");
        assertEquals(List.of(10, 10, 4), queue.batches.stream().map(List::size).toList(), "SendMessageBatch's 10");
        Map<String, Object> coverage = coverageMessage();
        assertEquals(Map.of("managementAccountId", MANAGEMENT, "managementInTargets", true, "members", 23),
                coverage.get("listing"));
        assertEquals(NOW.toString(), coverage.get("asOf"));
        assertEquals(45, queue.messages().get(queue.messages().size() - 1).delaySeconds());
        assertTrue(queue.messages().subList(0, 23).stream().allMatch(m -> m.delaySeconds() == 0));
    }

    @Test
    void aSteadyOrganisationQueuesOnlyItsCoverage() {
        OrgAccount prod = active("111111111111", "Prod");
        accounts.add(prod);
        store.with(member(PAYER_KEY, prod, true, health(NOW.minus(Duration.ofHours(1)), Check.Result.PASS)));
        sweep.beforeChecks(payer, NOW);
        assertEquals(List.of(), changes(), "the scheduler queued the existing member");
        assertEquals(1, ((Map<?, ?>) coverageMessage().get("listing")).get("members"));
    }

    @Test
    void suspendedAndDepartedAccountsAreQueuedAsSuch() {
        accounts.add(new OrgAccount("222222222222", "Old", "SUSPENDED"));
        store.with(member(PAYER_KEY, active("111111111111", "Gone"), true, null));
        sweep.beforeChecks(payer, NOW);
        assertEquals(List.of("PARK 222222222222", "DEPART 111111111111"), changes());
        assertEquals(0, ((Map<?, ?>) coverageMessage().get("listing")).get("members"));
    }

    @Test
    void aRefusedListingChangesNoMemberAndTheCoverageCarriesItsCause() {
        store.with(member(PAYER_KEY, active("111111111111", "Prod"), true, null));
        refusal = "the payer role may not list the organisation's accounts (AccessDeniedException)";
        sweep.beforeChecks(payer, NOW);
        assertEquals(List.of(), changes());
        assertEquals(Map.of("error", refusal, "managementInTargets", false, "members", 0),
                coverageMessage().get("listing"));
    }

    @Test
    void anOrganisationWithoutTargetsIsReportedNotListed() {
        Connection broken = OrgFixtures.payer(new OrganizationFacts("o-1", null, List.of(), null));
        sweep.beforeChecks(broken, NOW);
        assertTrue(((String) ((Map<?, ?>) coverageMessage().get("listing")).get("error")).contains("no organisation "
                + "targets"));
    }

    @Test
    void aQueueThatRefusesFailsTheRunForSqsToRedeliver() {
        accounts.add(active("111111111111", "Prod"));
        OrganizationSweep failing = new OrganizationSweep(directory, store,
                () -> new Outbox(entries -> List.of("throttled")), new OrganizationConfig(45, 20),
                new JsonLog("sweep-test"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> failing.beforeChecks(payer, NOW));
        assertEquals("1 messages were not queued: throttled", e.getMessage());
    }

    @Test
    void anOrganisationTurnedOffRetiresItsMembersThenForgetsItsCoverage() {
        store.with(member(PAYER_KEY, active("111111111111", "Prod"), true, null),
                member(PAYER_KEY, new OrgAccount("222222222222", "Gone", "LEFT"), false, null));
        Connection former = new Connection(payer.tenant(), payer.key(), payer.id(), payer.accountId(), payer.roleArn(),
                payer.registeredAt(), payer.billing(), payer.health(), new OrganizationLink(null, null, true));
        sweep.beforeChecks(former, NOW);
        assertEquals(List.of("DEPART 111111111111"), changes());
        assertEquals(List.of("forget coverage"), store.applied);
    }

    @Test
    void aConnectionOutsideAnyOrganisationIsLeftAlone() {
        sweep.beforeChecks(Fixtures.connection(BillingFacts.NONE), NOW);
        assertEquals(List.of(), store.applied);
        assertEquals(List.of(), queue.messages());
    }
}
