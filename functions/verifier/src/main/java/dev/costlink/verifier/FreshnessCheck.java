package dev.costlink.verifier;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** Whether billing data is arriving: the newest CUR delivery against the thresholds, and last month's carbon data. */
public final class FreshnessCheck {
    static final String CUR = "cur-freshness";
    static final String CARBON = "carbon-month";
    private final Thresholds thresholds;

    public FreshnessCheck(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** {@code newestCur} is null when no CUR delivery was ever seen. */
    public Check cur(Instant registeredAt, Instant newestCur, Instant now) {
        if (newestCur == null) {
            Duration since = Duration.between(registeredAt, now);
            if (since.compareTo(thresholds.firstDeliveryGrace()) <= 0) {
                return Check.pass(CUR, "No CUR delivery yet, as expected: AWS delivers the first report up to "
                        + hours(thresholds.firstDeliveryGrace()) + " h after the export is created (connected "
                        + hours(since) + " h ago).");
            }
            return Check.fail(CUR, "No CUR delivery " + hours(since) + " h after the connection. Check that "
                    + "the export exists, that the bucket is in us-east-1, and that the bucket policy allows "
                    + "billingreports.amazonaws.com and bcm-data-exports.amazonaws.com to write.");
        }
        Duration age = Duration.between(newestCur, now);
        if (age.compareTo(thresholds.curAlert()) > 0) {
            return Check.fail(CUR, "The newest CUR delivery is " + hours(age) + " h old (alert after "
                    + hours(thresholds.curAlert()) + " h): AWS refreshes at least daily, so deliveries have stopped. "
                    + "Check the export's status and the bucket policy.");
        }
        if (age.compareTo(thresholds.curWarn()) > 0) {
            return Check.warn(CUR, "The newest CUR delivery is " + hours(age) + " h old (warning after "
                    + hours(thresholds.curWarn()) + " h).");
        }
        return Check.pass(CUR, "The newest CUR delivery is " + hours(age) + " h old.");
    }

    /** The registry names no CUR export or report for a connection with a bucket: its deliveries cannot be found. */
    public Check curUnlocated() {
        return Check.warn(CUR, unlocated("CUR export or report"));
    }

    /** Carbon data for the previous month is due by day {@code carbonDayOfMonth}; {@code newestMonth} may be null. */
    public Check carbon(YearMonth newestMonth, Instant now) {
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        int day = now.atZone(ZoneOffset.UTC).getDayOfMonth();
        YearMonth due = day >= thresholds.carbonDayOfMonth() ? current.minusMonths(1) : current.minusMonths(2);
        if (newestMonth != null && !newestMonth.isBefore(due)) {
            return Check.pass(CARBON, "Carbon data is delivered up to " + newestMonth + ".");
        }
        return Check.warn(CARBON, "Carbon data for " + due + " is missing (due by day "
                + thresholds.carbonDayOfMonth() + " of the following month); newest month seen: "
                + (newestMonth == null ? "none" : newestMonth) + ". Check that the carbon export exists and is healthy.");
    }

    /** The registry names no carbon export for a connection with a carbon prefix. */
    public Check carbonUnlocated() {
        return Check.warn(CARBON, unlocated("carbon export"));
    }

    private static String unlocated(String what) {
        return "The registry holds no " + what + " name for this connection, so its deliveries cannot be located "
                + "(they live under <prefix>/<name>/). Fix: update the connection stack, which reports its facts again.";
    }

    private static long hours(Duration d) {
        return d.toHours();
    }
}
