package dev.costlink.registry;

import dev.costlink.common.Deadline;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where tenants, connections, deliveries and seen events live (DynamoDB in the vendor stack). */
public interface RegistryStore {
    /** The tenant's ExternalId, found by its SHA-256, if the tenant exists and is not disabled. */
    Optional<String> externalId(String externalIdSha256);

    /** Every connection (of any status) of the tenant in that account. */
    List<StoredConnection> connections(String tenant, String accountId);

    /**
     * Records the event id and applies the verified event in one atomic write, conditioned on the id being new. For a
     * delivery, {@code owner} is the connection it belongs to: the write also requires every attribute the match relied
     * on to still hold (else {@link Recording.Outcome#CONNECTION_CHANGED}). {@code owner} is null for connection events.
     */
    Recording record(String eventId, Map<String, Object> event, DeliveryOwner.Match owner, long receivedAtEpochSeconds);

    /**
     * After a connection.deleted was recorded (or seen again): when the connection {@code payerKey} is REVOKED by that
     * very event and its facts carry an organisation, sets every connection of the tenant whose
     * {@code organizationConnection} is {@code payerKey} REVOKED, in transactions of at most 100 items, until
     * {@code deadline}. Idempotent: members already revoked are left alone, so running it again finishes the job.
     */
    MemberRevocation revokeMembers(String tenant, String payerKey, String deleteEventId, long nowEpochSeconds,
                                   Deadline deadline);
}
