package dev.costlink.verifier;

import dev.costlink.verifier.Check.State;
import dev.costlink.verifier.DeliveryLocator.Delivered;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Whether billing data arrives on AWS's calendar (docs/health-events.md, "States"). Two clocks judge an export's
 * deliveries:
 * <ol>
 *   <li>the age of its newest delivery (of the current or the previous billing period, which AWS keeps rewriting for
 *       days after it ends): LATE after {@code curWarn}, MISSING after {@code curAlert}; before its first delivery,
 *       the time since the connection or the export was created (whichever is later): PENDING_FIRST within
 *       {@code firstDeliveryGrace}, then LATE, then MISSING after {@code curAlert};</li>
 *   <li>the current billing period (UTC month): while it has no delivery, it is fine for {@code newPeriodGrace} after
 *       the month began (no false alarm at the turn of the month), and LATE after. It never makes a MISSING on its
 *       own: deliveries of the previous month still arrive, and the first clock says when they stop.</li>
 * </ol>
 * Carbon data is monthly: last month's is due by day {@code carbonDayOfMonth}, and LATE (a warning) after.
 */
public final class FreshnessCheck {
    static final String CUR = "cur-freshness";
    static final String FOCUS = "focus-freshness";
    static final String CARBON = "carbon-month";
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
            .withZone(ZoneOffset.UTC);
    private final Thresholds thresholds;

    public FreshnessCheck(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** What a freshness check is about: its check name, how its detail names the data, and its export. */
    public record Subject(String check, String data, String exportLabel) {
        static Subject cur(ExportRef export) {
            return new Subject(CUR, "CUR", export.label());
        }

        static Subject focus(ExportRef export) {
            return new Subject(FOCUS, "FOCUS", export.label());
        }
    }

    /**
     * {@code newest} is null when no delivery was ever seen; {@code exportCreatedAt} (null when unknown) is when AWS
     * created the export: a newer export than every delivery seen (recreated under the same name) has not delivered
     * yet, and its own first-delivery window applies.
     */
    public Check deliveries(Subject s, Instant registeredAt, Instant exportCreatedAt, Delivered newest, Instant now) {
        // S3 keeps whole seconds: a manifest of the creation's own second belongs to the export.
        if (newest == null || (exportCreatedAt != null
                && newest.at().isBefore(exportCreatedAt.truncatedTo(ChronoUnit.SECONDS)))) {
            Instant since = waitingSince(registeredAt, exportCreatedAt);
            String from = since != null && since.equals(exportCreatedAt) ? "export " + s.exportLabel() + " was created"
                    : "the connection was registered";
            return first(s, since, from, now);
        }
        Duration age = Duration.between(newest.at(), now);
        String newestText = "The newest " + s.data() + " delivery (billing period " + newest.period() + ") is "
                + hours(age) + " h old";
        if (age.compareTo(thresholds.curAlert()) > 0) {
            return Check.of(s.check(), State.MISSING, newestText + " (alert after " + hours(thresholds.curAlert())
                    + " h): AWS refreshes at least daily, so deliveries have stopped. Fix: read the export's own "
                    + "check for AWS's reason; if the export is healthy, check that the bucket policy still lets "
                    + "the billing service write (bcm-data-exports.amazonaws.com, billingreports.amazonaws.com for "
                    + "CUR 1.0) and that no lifecycle rule removes the manifests.");
        }
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        String period = newest.period().isBefore(current) ? newPeriod(s, current, now) : null;
        if (age.compareTo(thresholds.curWarn()) > 0) {
            return Check.of(s.check(), State.LATE, newestText + " (warning after " + hours(thresholds.curWarn())
                    + " h, alert after " + hours(thresholds.curAlert()) + " h): AWS is slower than its daily refresh."
                    + (period == null ? "" : " " + period));
        }
        Instant due = monthStart(current).plus(thresholds.newPeriodGrace());
        if (period != null && now.isAfter(due)) {
            return Check.of(s.check(), State.LATE, newestText + ", but " + period);
        }
        return Check.of(s.check(), State.OK, newestText + "." + (period == null ? ""
                : " The first delivery of " + current + " is due by " + MINUTES.format(due) + " (AWS starts a new "
                + "billing period within " + hours(thresholds.newPeriodGrace()) + " h)."));
    }

    private String newPeriod(Subject s, YearMonth current, Instant now) {
        return "billing period " + current + " has no " + s.data() + " delivery yet, "
                + hours(Duration.between(monthStart(current), now)) + " h after it began (expected within "
                + hours(thresholds.newPeriodGrace()) + " h). AWS usually catches up on its own; if it does not, "
                + "read the export's own check.";
    }

    private Check first(Subject s, Instant since, String from, Instant now) {
        Duration waited = since == null ? null : Duration.between(since, now);
        String noneYet = "No " + s.data() + " delivery yet";
        if (waited != null && waited.compareTo(thresholds.firstDeliveryGrace()) <= 0) {
            return Check.of(s.check(), State.PENDING_FIRST, noneYet + ", as expected: AWS delivers an export's first "
                    + "report up to " + hours(thresholds.firstDeliveryGrace()) + " h after it is created (" + from + " "
                    + hours(waited) + " h ago). Nothing to do yet.");
        }
        String fix = "Fix: check that " + s.exportLabel() + " exists and is healthy (its own check says why not), "
                + "that the bucket is in us-east-1 and that the bucket policy lets bcm-data-exports.amazonaws.com (CUR "
                + "1.0: billingreports.amazonaws.com) write.";
        String after = waited == null ? "" : ", " + hours(waited) + " h after " + from;
        if (waited != null && waited.compareTo(thresholds.curAlert()) <= 0) {
            return Check.of(s.check(), State.LATE, noneYet + after + " (AWS's first delivery takes up to "
                    + hours(thresholds.firstDeliveryGrace()) + " h; alert after " + hours(thresholds.curAlert())
                    + " h). " + fix);
        }
        return Check.of(s.check(), State.MISSING, noneYet + after + " (AWS's first delivery takes up to "
                + hours(thresholds.firstDeliveryGrace()) + " h): it has not come. " + fix);
    }

    /** The registry names no export or report for a connection with a bucket: its deliveries cannot be found. */
    public Check unlocated(String check, String what) {
        return Check.of(check, State.UNVERIFIABLE, "The registry holds no " + what + " name for this connection, so "
                + "its deliveries cannot be located (they live under <prefix>/<name>/). Fix: update the connection "
                + "stack, which reports its facts again.");
    }

    public Check curUnlocated() {
        return unlocated(CUR, "CUR export or report");
    }

    public Check carbonUnlocated() {
        return unlocated(CARBON, "carbon export");
    }

    /**
     * Carbon data for the previous month is due by day {@code carbonDayOfMonth}; {@code newestMonth} may be null.
     * Before any carbon data, the export's first-delivery window applies (AWS delivers the history in its first day).
     */
    public Check carbon(Instant registeredAt, Instant exportCreatedAt, YearMonth newestMonth, Instant now) {
        YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
        int day = now.atZone(ZoneOffset.UTC).getDayOfMonth();
        YearMonth due = day >= thresholds.carbonDayOfMonth() ? current.minusMonths(1) : current.minusMonths(2);
        if (newestMonth != null && !newestMonth.isBefore(due)) {
            return Check.of(CARBON, State.OK, "Carbon data is delivered up to " + newestMonth + ".");
        }
        Instant since = waitingSince(registeredAt, exportCreatedAt);
        if (newestMonth == null && since != null
                && Duration.between(since, now).compareTo(thresholds.firstDeliveryGrace()) <= 0) {
            return Check.of(CARBON, State.PENDING_FIRST, "No carbon data yet, as expected: AWS delivers the carbon "
                    + "history within " + hours(thresholds.firstDeliveryGrace()) + " h of the export's creation. "
                    + "Nothing to do yet.");
        }
        return Check.of(CARBON, State.LATE, "Carbon data for " + due + " is missing (due by day "
                + thresholds.carbonDayOfMonth() + " of the following month); newest month seen: "
                + (newestMonth == null ? "none" : newestMonth) + ". AWS publishes carbon data monthly with a lag; "
                + "if it stays missing, check that the carbon export exists and is healthy.");
    }

    /** A first delivery is awaited from the later of the connection's registration and the export's creation. */
    private static Instant waitingSince(Instant registeredAt, Instant exportCreatedAt) {
        return exportCreatedAt != null && (registeredAt == null || exportCreatedAt.isAfter(registeredAt))
                ? exportCreatedAt : registeredAt;
    }

    private static Instant monthStart(YearMonth m) {
        return m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static long hours(Duration d) {
        return d.truncatedTo(ChronoUnit.HOURS).toHours();
    }
}
