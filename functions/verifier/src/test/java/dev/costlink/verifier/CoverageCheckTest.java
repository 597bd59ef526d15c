package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static dev.costlink.verifier.OrgFixtures.MANAGEMENT;
import static dev.costlink.verifier.OrgFixtures.PAYER_KEY;
import static dev.costlink.verifier.OrgFixtures.ROOT_TARGET;
import static dev.costlink.verifier.OrgFixtures.active;
import static dev.costlink.verifier.OrgFixtures.health;
import static dev.costlink.verifier.OrgFixtures.member;
import static dev.costlink.verifier.OrgFixtures.payer;
import static dev.costlink.verifier.OrgFixtures.payerItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.verifier.Check.Result;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Coverage counts the targets' active accounts a role of the tenant was assumed in, and says why the others are not. */
class CoverageCheckTest {
    private static final ListingSummary LISTED = new ListingSummary(null, MANAGEMENT, true, 0);
    private final Connection payer = payer(ROOT_TARGET);

    private static TenantConnection good(String id, String name) {
        return member(PAYER_KEY, active(id, name), true, health(NOW, Result.PASS));
    }

    private Coverage of(ListingSummary listing, TenantConnection... items) {
        return CoverageCheck.of(payer, List.of(items), listing, NOW);
    }

    @Test
    void theExampleOrganisation() {
        Coverage c = of(LISTED, payerItem(payer, Result.PASS), good("100000000001", "Prod"),
                good("100000000002", "Dev"),
                member(PAYER_KEY, active("111111111111", "Sandbox"), true, health(NOW, Result.FAIL)),
                member(PAYER_KEY, new OrgAccount("222222222222", "Old", "SUSPENDED"), false, null),
                member(PAYER_KEY, new OrgAccount("333333333333", "Gone", "LEFT"), false, null));
        assertEquals(3, c.covered());
        assertEquals(4, c.accounts(), "3 members and the management account; suspended and departed not counted");
        assertEquals(Result.WARN, c.check().result());
        assertEquals(List.of(new Coverage.Entry("111111111111", "Sandbox", "assume-role")), c.notConnected());
        assertEquals(List.of(new Coverage.Entry("222222222222", "Old", "SUSPENDED")), c.suspended());
        String d = c.check().detail();
        assertTrue(d.startsWith("3 of 4 active accounts in the organisation's targets are connected (the management "
                + "account 900000000000 through the payer connection's own role)."), d);
        assertTrue(d.contains("the member role CostLink-MemberReadAccess cannot be assumed (1): 111111111111 "
                + "(Sandbox). Likely causes: the StackSet instance failed"), d);
        assertTrue(d.contains("CloudFormation > StackSets > CostLink-MemberRoles:1 > Stack instances"), d);
        assertTrue(d.endsWith("Ignored (not active in the organisation) 1: 222222222222 (Old, suspended)."), d);
    }

    @Test
    void everyAccountConnectedPasses() {
        Coverage c = of(LISTED, payerItem(payer, Result.PASS), good("100000000001", "Prod"));
        assertEquals(Result.PASS, c.check().result());
        assertEquals(List.of(), c.notConnected());
    }

    @Test
    void noMemberConnectedFailsAndTheManagementAccountFollowsThePayersRole() {
        Coverage c = of(LISTED, payerItem(payer, Result.FAIL),
                member(PAYER_KEY, active("111111111111", "A"), true, health(NOW, Result.FAIL)));
        assertEquals(Result.FAIL, c.check().result());
        assertEquals(0, c.covered());
        assertTrue(c.check().detail().contains("The management account 900000000000 is not connected: the payer "
                + "connection's role cannot be assumed"), c.check().detail());
    }

    @Test
    void membersNotVerifiedInTheRunAreNamedNotCounted() {
        TenantConnection stale = member(PAYER_KEY, active("111111111111", "A"), true,
                health(NOW.minus(Duration.ofHours(1)), Result.PASS));
        TenantConnection never = member(PAYER_KEY, active("111111111112", "B"), true, null);
        Coverage c = of(LISTED, payerItem(payer, Result.PASS), good("100000000001", "Prod"), stale, never);
        assertEquals(2, c.covered());
        assertEquals(List.of("not-verified", "not-verified"), c.notConnected().stream().map(Coverage.Entry::reason)
                .toList());
        assertTrue(c.check().detail().contains("Not verified in this run (2): 111111111111 (A), 111111111112 (B)."));
    }

    @Test
    void aDelegatedAdministratorPayerNeedsAConnectionInTheManagementAccount() {
        OrganizationFacts delegated = new OrganizationFacts("o-1", "set", List.of("r-ab12"), "CostLink-MemberReadAccess");
        Connection admin = payer(delegated, "555555555555");
        List<TenantConnection> items = new ArrayList<>(List.of(payerItem(admin, Result.PASS),
                member(admin.key(), active("555555555555", "Admin"), true, health(NOW, Result.PASS))));
        Coverage without = CoverageCheck.of(admin, items, LISTED, NOW);
        assertEquals(new Coverage.Entry(MANAGEMENT, null, "management-account"), without.notConnected().get(0));
        assertTrue(without.check().detail().contains("a StackSet never deploys to it"), without.check().detail());
        items.add(new TenantConnection("900000000000#arn:aws:iam::900000000000:role/CostLink-ReadAccess", MANAGEMENT,
                true, null, null, health(NOW, Result.PASS)));
        Coverage with = CoverageCheck.of(admin, items, LISTED, NOW);
        assertEquals(2, with.covered());
        assertEquals(Result.PASS, with.check().result());
        assertTrue(with.check().detail().contains("through its own connection"), with.check().detail());
    }

    @Test
    void aListingThatFailedFailsWithItsCauseAndKeepsTheLastKnownMembers() {
        Coverage c = of(ListingSummary.failed("the payer role may not list the organisation's accounts"),
                payerItem(payer, Result.PASS), good("100000000001", "Prod"));
        assertEquals(Result.FAIL, c.check().result());
        assertEquals(1, c.covered());
        assertEquals(1, c.accounts(), "the management account is unknown without a listing");
        assertTrue(c.check().detail().contains("could not be listed in this run: the payer role may not list"));
    }

    @Test
    void accountsWhoseMemberWasNotCreatedInTimeAreCountedNotConnected() {
        Coverage c = of(new ListingSummary(null, MANAGEMENT, true, 3), payerItem(payer, Result.PASS),
                good("100000000001", "Prod"));
        assertEquals(2, c.covered());
        assertEquals(4, c.accounts());
        assertTrue(c.check().detail().contains("Not registered in this run (2)"), c.check().detail());
        assertNotEquals(of(LISTED, payerItem(payer, Result.PASS), good("100000000001", "Prod")).signature(),
                c.signature());
    }

    @Test
    void emptyTargetsWarn() {
        Coverage c = of(new ListingSummary(null, MANAGEMENT, false, 0), payerItem(payer, Result.PASS));
        assertEquals(Result.WARN, c.check().result());
        assertTrue(c.check().detail().contains("The targets hold no active account"));
    }

    @Test
    void theSignatureChangesWithTheAccountsNotConnectedOnly() {
        TenantConnection failing = member(PAYER_KEY, active("111111111111", "A"), true, health(NOW, Result.FAIL));
        String one = of(LISTED, payerItem(payer, Result.PASS), failing).signature();
        assertEquals(one, of(LISTED, payerItem(payer, Result.PASS), failing, good("100000000001", "New")).signature(),
                "a new connected account is no news");
        assertNotEquals(one, of(LISTED, payerItem(payer, Result.PASS), failing,
                member(PAYER_KEY, active("111111111112", "B"), true, health(NOW, Result.FAIL))).signature());
        assertNotEquals(one, of(LISTED, payerItem(payer, Result.PASS),
                member(PAYER_KEY, active("111111111111", "A"), true, null)).signature(), "same account, new reason");
    }

    @Test
    void aThousandFailingAccountsKeepTheDetailWithinItsBound() {
        List<TenantConnection> items = new ArrayList<>(List.of(payerItem(payer, Result.PASS)));
        for (int i = 0; i < 1000; i++) {
            items.add(member(PAYER_KEY, active(String.format("1%011d", i), "Account name ".repeat(9) + i), true,
                    health(NOW, Result.FAIL)));
        }
        Coverage c = CoverageCheck.of(payer, items, LISTED, NOW);
        assertEquals(1000, c.notConnected().size());
        assertTrue(c.check().detail().contains(" and 990 more."), c.check().detail());
        assertTrue(c.check().detail().getBytes(StandardCharsets.UTF_8).length <= HealthEvent.MAX_DETAIL_BYTES);
        assertEquals(Result.FAIL, c.check().result());
    }
}
