package dev.costlink.verifier;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the registry holds of a connection's health: the last status, when it was checked and last published, and the
 * health event recorded but not yet known to be published ({@code pending}, null when none).
 */
public record HealthState(HealthStatus status, Instant checkedAt, Instant publishedAt, HealthEvent pending) {
    public static final HealthState NEVER_CHECKED = new HealthState(null, null, null, null);

    /** True when a verification as of {@code asOf} (or later) is already recorded. */
    public boolean checkedSince(Instant asOf) {
        return checkedAt != null && !checkedAt.isBefore(asOf.truncatedTo(ChronoUnit.SECONDS));
    }
}
