package dev.costlink.verifier;

/**
 * A PENDING connection as the role proof needs it: its tenant and registry key, the role it names, the tenant's
 * ExternalId, the connection event it was last recorded from ({@code lastEventId}, null when the registry holds none)
 * and whether the tenant's policy holds it for the vendor's approval.
 */
public record PendingConnection(String tenantId, String key, String roleArn, String externalId, String lastEventId,
                                boolean held) {
    /** Never prints the ExternalId. */
    @Override
    public String toString() {
        return "PendingConnection[" + tenantId + ", " + key + "]";
    }
}
