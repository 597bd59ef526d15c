package dev.costlink.registry;

import dev.costlink.common.RegistrySchema.Connections;

/**
 * The status a recorded connection event leaves its connection in (docs/callback-contract.md, step 7): a created (or
 * an updated of a connection that is not ACTIVE) is PENDING until the vendor proves the role by assuming it; an account
 * the tenant's policy does not allow is held for the vendor's approval; an updated of an ACTIVE connection (same role)
 * stays ACTIVE; a deleted revokes.
 */
final class ConnectionStatusRule {
    static final String NOT_YET_PROVED = "the vendor has not yet assumed the role";
    static final String HELD = "account outside the tenant's allowed accounts: held for the vendor's approval";

    /**
     * {@code approval}: what to write to the connection's approval ({@link #KEEP} leaves it as it is, null removes it);
     * {@code awaitsProof}: the verifier should prove it now (PENDING and not held).
     */
    record Decision(String status, String pendingReason, String approval, boolean awaitsProof) {}

    /** Marks "leave the approval attribute as it is". */
    static final String KEEP = "KEEP";

    private ConnectionStatusRule() {}

    /**
     * {@code currentStatus} and {@code currentApproval}: the item's, null when absent; {@code allowedByPolicy}: the
     * tenant's policy lets this account in.
     */
    static Decision decide(String type, String currentStatus, String currentApproval, boolean allowedByPolicy) {
        if (type.equals("connection.deleted")) {
            return new Decision(Connections.REVOKED, null, KEEP, false);
        }
        if (type.equals("connection.updated") && Connections.ACTIVE.equals(currentStatus)) {
            return new Decision(Connections.ACTIVE, null, KEEP, false);
        }
        boolean approved = Connections.APPROVED.equals(currentApproval);
        if (!allowedByPolicy && !approved) {
            return new Decision(Connections.PENDING, HELD, Connections.APPROVAL_REQUIRED, false);
        }
        // A hold the policy no longer asks for is lifted; an approval is kept.
        String approval = Connections.APPROVAL_REQUIRED.equals(currentApproval) ? null : KEEP;
        return new Decision(Connections.PENDING, NOT_YET_PROVED, approval, true);
    }
}
