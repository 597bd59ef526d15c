package dev.costlink.registry;

import java.util.Map;
import java.util.Optional;

/** Where tenants, connections, deliveries and seen events live (DynamoDB in the vendor stack). */
public interface RegistryStore {
    /** The tenant's ExternalId, found by its SHA-256, if the tenant exists. */
    Optional<String> externalId(String externalIdSha256);

    /**
     * Records the event and its effect atomically; false when the event id was already recorded (nothing changes).
     * {@code event} is the parsed, verified body.
     */
    boolean apply(String eventId, Map<String, Object> event, long receivedAtEpochSeconds);
}
