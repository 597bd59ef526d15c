package dev.costlink.verifier;

import dev.costlink.verifier.OrganizationDirectory.ListingRefused;
import dev.costlink.verifier.OrganizationDirectory.Listing;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accounts a service-managed StackSet deploys to: every account of the organisation when a target is the root id
 * (one paginated ListAccounts), else every account of each target OU and of all the OUs below it (ListAccountsForParent
 * and ListChildren, breadth first; OUs nest at most five deep). Each account once, however the targets overlap.
 */
final class TargetAccounts {
    /** AWS Organizations allows at most 1,000 OUs per organisation; more here means a loop. */
    static final int MAX_UNITS = 1_000;

    private TargetAccounts() {}

    static Listing of(OrganizationTree tree, OrganizationFacts organization) throws ListingRefused {
        String management = tree.managementAccountId();
        if (organization.wholeOrganization()) {
            return new Listing(management, distinct(tree.allAccounts()));
        }
        Map<String, OrgAccount> accounts = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> units = new ArrayDeque<>(organization.targets());
        while (!units.isEmpty()) {
            String unit = units.removeFirst();
            if (!seen.add(unit)) {
                continue;
            }
            if (seen.size() > MAX_UNITS) {
                throw new ListingRefused("the targets hold more than " + MAX_UNITS + " organisational units");
            }
            for (OrgAccount a : tree.accountsIn(unit)) {
                accounts.putIfAbsent(a.id(), a);
            }
            units.addAll(tree.unitsIn(unit));
        }
        return new Listing(management, List.copyOf(accounts.values()));
    }

    private static List<OrgAccount> distinct(List<OrgAccount> all) {
        Map<String, OrgAccount> byId = new LinkedHashMap<>();
        all.forEach(a -> byId.putIfAbsent(a.id(), a));
        return List.copyOf(byId.values());
    }
}
