package dev.costlink.registry;

import dev.costlink.common.Deadline;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where tenants, connections, deliveries and seen events live (DynamoDB in the vendor stack). */
public interface RegistryStore {
    /** The tenant (its ExternalId and policy), found by its ExternalId's SHA-256, if it exists and is not disabled. */
    Optional<RegisteredTenant> tenant(String externalIdSha256);

    /** Every connection (of any status) of the tenant in that account. */
    List<StoredConnection> connections(String tenant, String accountId);

    /** The tenants having a connection registered by the stack {@code stackId} (index ByStack). */
    Set<String> tenantsOfStack(String stackId);

    /**
     * Records the event id and applies the verified event in one atomic write, conditioned on the id being new. For a
     * delivery, {@code target.owner()} is the connection it belongs to: the write also requires every attribute the
     * match relied on to still hold (else {@link Recording.Outcome#CONNECTION_CHANGED}). A connection event's status
     * follows {@link ConnectionStatusRule}; an updated or deleted from another stack than the registered one is
     * {@link Recording.Outcome#WRONG_STACK} and changes nothing.
     */
    Recording record(String eventId, Map<String, Object> event, RecordingTarget target, long receivedAtEpochSeconds);

    /**
     * After a connection.deleted was recorded (or seen again): when the connection {@code payerKey} is REVOKED by that
     * very event and its facts carry an organisation, sets every connection of the tenant whose
     * {@code organizationConnection} is {@code payerKey} REVOKED, in transactions of at most 100 items, until
     * {@code deadline}. Idempotent: members already revoked are left alone, so running it again finishes the job.
     */
    MemberRevocation revokeMembers(String tenant, String payerKey, String deleteEventId, long nowEpochSeconds,
                                   Deadline deadline);
}
