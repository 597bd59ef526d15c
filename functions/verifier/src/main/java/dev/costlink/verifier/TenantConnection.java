package dev.costlink.verifier;

import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.time.Instant;
import java.util.List;

/**
 * A connection of a tenant as the organisation's bookkeeping reads it (one Query of the tenant's items): its registry
 * key, account, whether it is ACTIVE, its payer connection and organisation account (members only, else null), and
 * its last recorded health (null before its first verification).
 */
public record TenantConnection(String key, String accountId, boolean active, String payerConnection,
                               OrgAccount account, Health health) {
    /** The last verification: status, its run's instant, and the checks with their results. */
    public record Health(HealthStatus status, Instant checkedAt, List<Check> checks) {
        public Health {
            checks = List.copyOf(checks);
        }

        /** True when recorded for the run of {@code asOf} or a later one. */
        public boolean since(Instant asOf) {
            return checkedAt != null && !checkedAt.isBefore(Instant.ofEpochSecond(asOf.getEpochSecond()));
        }
    }

    public boolean memberOf(String payerKey) {
        return payerKey.equals(payerConnection);
    }

    /** Verified as of {@code asOf} (or later). */
    public boolean verifiedSince(Instant asOf) {
        return health != null && health.since(asOf);
    }
}
