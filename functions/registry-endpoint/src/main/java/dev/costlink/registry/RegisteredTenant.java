package dev.costlink.registry;

import java.util.Set;

/**
 * A tenant as the registry reads it: its ExternalId (the HMAC key that binds a connection event to it) and its
 * optional policy of the accounts and organisations it accepts without the vendor's approval (null: no such list).
 */
record RegisteredTenant(String externalId, Set<String> allowedAccounts, Set<String> allowedOrganizations) {
    static RegisteredTenant withoutPolicy(String externalId) {
        return new RegisteredTenant(externalId, null, null);
    }

    /**
     * True when the policy lets a connection of {@code accountId} (a payer's: of organisation
     * {@code organizationId}, else null) in without approval. No list at all: any account.
     */
    boolean allows(String accountId, String organizationId) {
        if (allowedAccounts == null && allowedOrganizations == null) {
            return true;
        }
        return (allowedAccounts != null && allowedAccounts.contains(accountId))
                || (organizationId != null && allowedOrganizations != null
                        && allowedOrganizations.contains(organizationId));
    }
}
