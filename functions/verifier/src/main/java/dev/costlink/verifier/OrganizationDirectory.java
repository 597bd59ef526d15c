package dev.costlink.verifier;

import java.util.List;

/** The accounts of a payer connection's organisation targets, read through the payer's role. */
public interface OrganizationDirectory {
    /** One account of the organisation: its id, its name and its state (ACTIVE, SUSPENDED, PENDING_CLOSURE, ...). */
    record OrgAccount(String id, String name, String state) {
        public static final String ACTIVE = "ACTIVE";

        public boolean active() {
            return ACTIVE.equals(state);
        }
    }

    /** The organisation's management account, and every account of the targets and their child OUs, each once. */
    record Listing(String managementAccountId, List<OrgAccount> accounts) {
        public Listing {
            accounts = List.copyOf(accounts);
        }
    }

    /**
     * The listing could not be made for a reason on the customer's side (the payer role refused, Organizations denied,
     * a target that no longer exists); the message says which, in plain words, and never quotes an ExternalId.
     */
    final class ListingRefused extends Exception {
        public ListingRefused(String message) {
            super(message);
        }
    }

    Listing list(String payerRoleArn, String externalId, OrganizationFacts organization) throws ListingRefused;
}
