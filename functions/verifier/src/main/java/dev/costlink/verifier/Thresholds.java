package dev.costlink.verifier;

import java.time.Duration;

/**
 * When a delivery is late, from the facts in shared/reference/delivery-formats.md: CUR refreshes at least daily (so
 * 36 h without one is worth a warning and 48 h an alert), the first delivery can take 24 h after the export is created,
 * and carbon data for a month arrives by about the 21st of the next month.
 */
public record Thresholds(Duration curWarn, Duration curAlert, Duration firstDeliveryGrace, int carbonDayOfMonth,
                         Duration realertInterval) {
    public static final Thresholds DEFAULT = new Thresholds(Duration.ofHours(36), Duration.ofHours(48),
            Duration.ofHours(24), 21, Duration.ofHours(24));

    public Thresholds {
        if (curWarn.compareTo(curAlert) > 0) {
            throw new IllegalArgumentException("the warning threshold must not exceed the alert threshold");
        }
        if (carbonDayOfMonth < 1 || carbonDayOfMonth > 28) {
            throw new IllegalArgumentException("carbonDayOfMonth must be 1..28");
        }
    }
}
