package dev.costlink.verifier;

import java.time.Instant;

/**
 * What the registry holds of an organisation's last coverage: its status (from the check's result), the run it was
 * computed for, when its last event was recorded, the digest of its not-connected accounts, and the organisation event
 * recorded but not yet known to be published (null when none).
 */
public record CoverageState(HealthStatus status, Instant checkedAt, Instant publishedAt, String signature,
                            HealthEvent pending) {
    public static final CoverageState NONE = new CoverageState(null, null, null, null, null);

    public boolean recordedSince(Instant asOf) {
        return checkedAt != null && !checkedAt.isBefore(Instant.ofEpochSecond(asOf.getEpochSecond()));
    }
}
