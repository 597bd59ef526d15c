package dev.costlink.verifier;

import dev.costlink.common.RegistrySchema.Connections;

/**
 * Which connections a scheduled run queues: every ACTIVE one (verified), and every PENDING one that is not held for
 * the vendor's approval (its role is proved first, RoleProof). REVOKED connections, held ones and items of any other
 * status are left out.
 */
final class ScheduledSelection {
    private ScheduledSelection() {}

    /** {@code status} and {@code approval} as the connection item holds them (null when absent). */
    static boolean due(String status, String approval) {
        return Connections.ACTIVE.equals(status)
                || Connections.PENDING.equals(status) && !Connections.APPROVAL_REQUIRED.equals(approval);
    }
}
