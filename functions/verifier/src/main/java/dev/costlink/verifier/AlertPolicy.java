package dev.costlink.verifier;

import java.time.Duration;
import java.time.Instant;

/**
 * When to publish a health event: on every change of status, and again every {@code realertInterval} while a
 * connection stays UNHEALTHY; never otherwise, so a fleet of steady connections makes no noise.
 */
public record AlertPolicy(Duration realertInterval) {
    public boolean shouldPublish(HealthStatus previous, HealthStatus current, Instant lastPublishedAt, Instant now) {
        if (previous != current) {
            return true;
        }
        return current == HealthStatus.UNHEALTHY
                && (lastPublishedAt == null || !Duration.between(lastPublishedAt, now).minus(realertInterval).isNegative());
    }
}
