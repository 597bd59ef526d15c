package dev.costlink.verifier;

import static dev.costlink.verifier.OrgFixtures.MANAGEMENT;
import static dev.costlink.verifier.OrgFixtures.PAYER_KEY;
import static dev.costlink.verifier.OrgFixtures.PAYER_ROLE;
import static dev.costlink.verifier.OrgFixtures.ROOT_TARGET;
import static dev.costlink.verifier.OrgFixtures.active;
import static dev.costlink.verifier.OrgFixtures.member;
import static dev.costlink.verifier.OrgFixtures.memberKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.verifier.OrganizationDirectory.Listing;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's ACTIVE members become exactly the ACTIVE accounts of the targets, writing only what changed. */
class MemberPlanTest {
    private static MemberPlan plan(List<OrgAccount> listed, TenantConnection... known) {
        return MemberPlan.of(new Listing(MANAGEMENT, listed), List.of(known), ROOT_TARGET, PAYER_ROLE, PAYER_KEY);
    }

    private static List<String> ids(List<MemberPlan.Member> members) {
        return members.stream().map(m -> m.account().id()).toList();
    }

    @Test
    void newAccountsAreActivatedWithTheirMemberRoleButNeverTheManagementAccount() {
        MemberPlan p = plan(List.of(active(MANAGEMENT, "master"), active("111111111111", "Prod")));
        assertEquals(List.of("111111111111"), ids(p.activate()));
        MemberPlan.Member m = p.activate().get(0);
        assertEquals("arn:aws:iam::111111111111:role/CostLink-MemberReadAccess", m.roleArn());
        assertEquals(memberKey("111111111111"), m.key());
        assertEquals(List.of(), p.refresh());
        assertEquals(List.of(), p.park());
        assertEquals(List.of(), p.depart());
        assertEquals(1, p.expected());
    }

    @Test
    void aSteadyOrganisationWritesNothing() {
        OrgAccount prod = active("111111111111", "Prod");
        OrgAccount old = new OrgAccount("222222222222", "Old", "SUSPENDED");
        OrgAccount gone = new OrgAccount("333333333333", "Gone", Connections.LEFT_TARGETS);
        MemberPlan p = plan(List.of(prod, old), member(PAYER_KEY, prod, true, null), member(PAYER_KEY, old, false, null),
                member(PAYER_KEY, gone, false, null));
        assertEquals(new MemberPlan(List.of(), List.of(), List.of(), List.of(), 1), p);
    }

    @Test
    void aRenamedAccountIsRefreshed() {
        MemberPlan p = plan(List.of(active("111111111111", "Production")),
                member(PAYER_KEY, active("111111111111", "Prod"), true, null));
        assertEquals(List.of("111111111111"), ids(p.refresh()));
        assertEquals(List.of(), p.activate());
    }

    @Test
    void suspendedAccountsAreParkedOnceAndComeBackWhenActiveAgain() {
        OrgAccount suspended = new OrgAccount("111111111111", "Prod", "SUSPENDED");
        assertEquals(List.of("111111111111"), ids(plan(List.of(suspended)).park()), "named, so coverage can ignore it");
        assertEquals(List.of("111111111111"), ids(plan(List.of(suspended),
                member(PAYER_KEY, active("111111111111", "Prod"), true, null)).park()), "an active member suspended");
        assertEquals(List.of("111111111111"), ids(plan(List.of(active("111111111111", "Prod")),
                member(PAYER_KEY, suspended, false, null)).activate()), "reactivated");
    }

    @Test
    void membersTheListingNoLongerNamesDepartOnce() {
        TenantConnection left = member(PAYER_KEY, active("111111111111", "Prod"), true, null);
        assertEquals(List.of(), plan(List.of()).depart(), "nothing known, nothing departs");
        assertEquals(List.of(new MemberPlan.Member(new OrgAccount("111111111111", "Prod", Connections.LEFT_TARGETS),
                memberKey("111111111111"), null)), plan(List.of(), left).depart());
        TenantConnection departed = member(PAYER_KEY, new OrgAccount("111111111111", "Prod",
                Connections.LEFT_TARGETS), false, null);
        assertEquals(List.of(), plan(List.of(), departed).depart());
        assertEquals(List.of("111111111111"), ids(plan(List.of(active("111111111111", "Prod")), departed).activate()),
                "an account back in the targets");
    }

    @Test
    void retiringDepartsEveryMemberNotDepartedYet() {
        TenantConnection active = member(PAYER_KEY, active("111111111111", "Prod"), true, null);
        TenantConnection parked = member(PAYER_KEY, new OrgAccount("222222222222", "Old", "SUSPENDED"), false, null);
        TenantConnection departed = member(PAYER_KEY, new OrgAccount("333333333333", "Gone", "LEFT"), false, null);
        assertEquals(List.of("111111111111", "222222222222"),
                ids(MemberPlan.retire(List.of(active, parked, departed), PAYER_KEY).depart()));
    }

    @Test
    void theChangesBecomeMessagesOfTheRun() {
        TenantConnection gone = member(PAYER_KEY, active("333333333333", "Gone"), true, null);
        List<MemberRequest> requests = plan(List.of(active("111111111111", "Prod"),
                new OrgAccount("222222222222", "Old", "SUSPENDED")), gone).requests("t", PAYER_KEY, Fixtures.NOW);
        assertEquals(List.of("ACTIVATE 111111111111", "PARK 222222222222", "DEPART 333333333333"),
                requests.stream().map(MemberRequest::describe).toList());
        assertEquals(requests.get(0), MemberRequest.parse(requests.get(0).body()));
        assertEquals(requests.get(2), MemberRequest.parse(requests.get(2).body()));
    }

    @Test
    void aKeyHeldByAnotherConnectionOrPayerIsLeftAlone() {
        OrgAccount prod = active("111111111111", "Prod");
        TenantConnection own = new TenantConnection(memberKey("111111111111"), "111111111111", false, null, null,
                null);
        assertEquals(new MemberPlan(List.of(), List.of(), List.of(), List.of(), 0), plan(List.of(prod), own),
                "not expected: the coverage does not wait for it");
        TenantConnection otherPayers = member("222222222222#arn:aws:iam::222222222222:role/X", prod, true, null);
        assertEquals(new MemberPlan(List.of(), List.of(), List.of(), List.of(), 0), plan(List.of(), otherPayers));
    }
}
