package dev.costlink.registry;

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
}
