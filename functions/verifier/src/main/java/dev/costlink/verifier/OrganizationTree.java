package dev.costlink.verifier;

import dev.costlink.verifier.OrganizationDirectory.ListingRefused;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.util.List;

/**
 * The reads of AWS Organizations the verifier makes, each returning every page (within the reader's bounds): what
 * {@link TargetAccounts} walks.
 */
interface OrganizationTree {
    String managementAccountId() throws ListingRefused;

    /** ListAccounts: every account of the organisation. */
    List<OrgAccount> allAccounts() throws ListingRefused;

    /** ListAccountsForParent: the accounts directly in an OU (or the root). */
    List<OrgAccount> accountsIn(String parentId) throws ListingRefused;

    /** ListChildren with ChildType ORGANIZATIONAL_UNIT: the OUs directly below an OU (or the root). */
    List<String> unitsIn(String parentId) throws ListingRefused;
}
