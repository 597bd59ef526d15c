package dev.costlink.verifier;

/**
 * What the coverage of a run needs of that run's organisation listing, carried in its queue message: the listing's
 * failure in plain words (null when the accounts were listed); the management account and whether it is in the
 * targets (a StackSet never deploys there: the payer's own role, or a stack of its own, covers it); and how many
 * ACTIVE member connections the listing calls for ({@link MemberPlan#expected()}), so the coverage knows when the
 * run's member changes have all been applied.
 */
public record ListingSummary(String error, String managementAccountId, boolean managementInTargets, int members) {
    public static ListingSummary of(OrganizationDirectory.Listing listing, int members) {
        String management = listing.managementAccountId();
        return new ListingSummary(null, management, management != null
                && listing.accounts().stream().anyMatch(a -> a.id().equals(management) && a.active()), members);
    }

    public static ListingSummary failed(String error) {
        return new ListingSummary(error, null, false, 0);
    }

    public boolean listed() {
        return error == null;
    }
}
