package dev.costlink.verifier;

import java.time.Duration;

/**
 * AWS's delivery calendar as thresholds (shared/reference/delivery-formats.md; defaults are vendor.yaml's): an export's
 * first delivery can take 24 h after it is created; CUR refreshes at least daily, so 36 h without a delivery is worth a
 * warning and 48 h an alert; a new billing period's first data can lag, so a month without data is late only
 * {@code newPeriodGrace} after it began; carbon data for a month arrives by about the 21st of the next month.
 */
public record Thresholds(Duration curWarn, Duration curAlert, Duration firstDeliveryGrace, Duration newPeriodGrace,
                         int carbonDayOfMonth, Duration realertInterval) {
    public static final Thresholds DEFAULT = new Thresholds(Duration.ofHours(36), Duration.ofHours(48),
            Duration.ofHours(24), Duration.ofHours(48), 21, Duration.ofHours(24));

    public Thresholds {
        if (curWarn.compareTo(curAlert) > 0) {
            throw new IllegalArgumentException("the warning threshold must not exceed the alert threshold");
        }
        if (carbonDayOfMonth < 1 || carbonDayOfMonth > 28) {
            throw new IllegalArgumentException("carbonDayOfMonth must be 1..28");
        }
        for (Duration d : new Duration[] {curWarn, curAlert, firstDeliveryGrace, newPeriodGrace, realertInterval}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("thresholds must not be negative");
            }
        }
    }
}
