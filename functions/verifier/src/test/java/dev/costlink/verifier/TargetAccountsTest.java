package dev.costlink.verifier;

import static dev.costlink.verifier.OrgFixtures.active;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.verifier.OrganizationDirectory.Listing;
import dev.costlink.verifier.OrganizationDirectory.ListingRefused;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The accounts a StackSet deploys to: the root id means all; an OU means its accounts and every OU below it. */
class TargetAccountsTest {
    /** r-root > {111, ou-a > {222, ou-a-1 > {333}}, ou-b > {444}}. */
    private final Tree tree = new Tree()
            .parent("r-root", List.of("ou-a", "ou-b"), active("111111111111", "Mgmt"))
            .parent("ou-a", List.of("ou-a-1"), active("222222222222", "A"))
            .parent("ou-a-1", List.of(), active("333333333333", "A1"))
            .parent("ou-b", List.of(), active("444444444444", "B"));

    private static OrganizationFacts targets(String... ids) {
        return new OrganizationFacts("o-1", "set", List.of(ids), "CostLink-MemberReadAccess");
    }

    private static List<String> ids(Listing l) {
        return l.accounts().stream().map(OrgAccount::id).toList();
    }

    @Test
    void theRootIdListsEveryAccountOfTheOrganisationOnce() throws Exception {
        Listing l = TargetAccounts.of(tree, targets("ou-b", "r-root"));
        assertEquals(List.of("111111111111", "222222222222", "333333333333", "444444444444"), ids(l));
        assertEquals("111111111111", l.managementAccountId());
        assertEquals(List.of("ListAccounts"), tree.calls.subList(1, tree.calls.size()), "one listing, no walk");
    }

    @Test
    void anOuListsItsAccountsAndThoseOfEveryOuBelowIt() throws Exception {
        assertEquals(List.of("222222222222", "333333333333"), ids(TargetAccounts.of(tree, targets("ou-a"))));
    }

    @Test
    void overlappingTargetsNameEachAccountOnce() throws Exception {
        Listing l = TargetAccounts.of(tree, targets("ou-a-1", "ou-a", "ou-b"));
        assertEquals(List.of("333333333333", "222222222222", "444444444444"), ids(l));
        assertEquals(1, tree.calls.stream().filter("units ou-a-1"::equals).count(), "each OU walked once");
    }

    @Test
    void aLoopInTheTreeEndsWithARefusalNotAHang() {
        Tree looped = new Tree().parent("ou-x", List.of("ou-y"), active("555555555555", "X"));
        for (int i = 0; i < TargetAccounts.MAX_UNITS + 5; i++) {
            looped.parent("ou-" + i, List.of("ou-" + (i + 1)));
        }
        looped.parent("ou-y", List.of("ou-0"));
        ListingRefused e = assertThrows(ListingRefused.class, () -> TargetAccounts.of(looped, targets("ou-x")));
        assertTrue(e.getMessage().contains("more than 1000 organisational units"), e.getMessage());
    }

    @Test
    void aRefusalOfTheServiceReachesTheCaller() {
        tree.refuse = "the payer role may not list";
        assertThrows(ListingRefused.class, () -> TargetAccounts.of(tree, targets("ou-a")));
    }

    private static final class Tree implements OrganizationTree {
        final Map<String, List<OrgAccount>> accounts = new HashMap<>();
        final Map<String, List<String>> units = new HashMap<>();
        final List<OrgAccount> all = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        String refuse;

        Tree parent(String id, List<String> children, OrgAccount... in) {
            accounts.put(id, List.of(in));
            units.put(id, children);
            all.addAll(List.of(in));
            return this;
        }

        private void check() throws ListingRefused {
            if (refuse != null) {
                throw new ListingRefused(refuse);
            }
        }

        @Override
        public String managementAccountId() throws ListingRefused {
            calls.add("DescribeOrganization");
            check();
            return "111111111111";
        }

        @Override
        public List<OrgAccount> allAccounts() throws ListingRefused {
            calls.add("ListAccounts");
            check();
            return all;
        }

        @Override
        public List<OrgAccount> accountsIn(String parentId) throws ListingRefused {
            calls.add("accounts " + parentId);
            check();
            return accounts.getOrDefault(parentId, List.of());
        }

        @Override
        public List<String> unitsIn(String parentId) throws ListingRefused {
            calls.add("units " + parentId);
            check();
            return units.getOrDefault(parentId, List.of());
        }
    }
}
