package dev.costlink.verifier;

import dev.costlink.verifier.BillingFacts.Feed;
import dev.costlink.verifier.CustomerAccount.BucketDenied;
import dev.costlink.verifier.CustomerAccount.Session;
import dev.costlink.verifier.CustomerAccount.StoredObject;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the newest delivery by listing only where manifests live (shared/reference/delivery-formats.md), never the
 * data files, so an hourly check costs the same few listings whatever the size of the customer's billing history:
 * <ul>
 *   <li>CUR 2.0 and FOCUS: the {@code BILLING_PERIOD=} (FOCUS: {@code billing_period=}, any case is accepted) folders
 *       of {@code <prefix>/<export>/metadata/}, then the manifests of the two newest (overwrite mode: one each;
 *       create-new mode: one per run of that month);</li>
 *   <li>CUR 1.0: the two newest {@code <yyyymmdd-yyyymmdd>/} folders of {@code <prefix>/<report>/} and, for the other
 *       layout, {@code <prefix>/<report>/<report>/year=YYYY/month=M/<report>-Manifest.json} of the two newest months;</li>
 *   <li>carbon: the {@code usage_period=} folder names under {@code <prefix>/<export>/metadata/} (also below a
 *       {@code [carbon_]model_version=} folder): metadata holds manifests only, so a month's folder is its manifest.</li>
 * </ul>
 * Two billing periods, because AWS keeps rewriting the previous month for days after it ends (final charges) while
 * the new one starts: the newest delivery can be the previous month's.
 */
public final class DeliveryLocator {
    static final String MANIFEST = "-Manifest.json";
    /** The newest periods read: the current one and the previous one, which AWS still rewrites early in a month. */
    static final int PERIODS = 2;
    private static final Pattern BILLING_PERIOD = Pattern.compile("(?i)billing_period=(\\d{4})-(\\d{2})");
    private static final Pattern USAGE_PERIOD = Pattern.compile("(?i)usage_period=(\\d{4})-(\\d{2})");
    private static final Pattern MODEL_VERSION = Pattern.compile("(?i)(carbon_)?model_version=[^/]+");
    private static final Pattern DATE_RANGE = Pattern.compile("(\\d{4})(\\d{2})\\d{2}-\\d{8}");
    private static final Pattern YEAR = Pattern.compile("(?i)year=(\\d{4})");
    private static final Pattern MONTH = Pattern.compile("(?i)month=(\\d{1,2})");

    /** The newest manifest's time, and the newest billing period that holds a manifest. */
    public record Delivered(YearMonth period, Instant at) {
        static Delivered newer(Delivered a, Delivered b) {
            if (a == null || b == null) {
                return a == null ? b : a;
            }
            YearMonth period = a.period.isAfter(b.period) ? a.period : b.period;
            return new Delivered(period, a.at.isAfter(b.at) ? a.at : b.at);
        }
    }

    private DeliveryLocator() {}

    /** The newest delivery of {@code b}'s CUR export (or CUR 1.0 report); empty when none. */
    public static Optional<Delivered> newestCur(Session s, BillingFacts b) throws BucketDenied {
        return b.legacyCur() ? newestLegacy(s, b.bucket(), b.cur()) : newestDataExport(s, b.bucket(), b.cur());
    }

    /** The newest delivery of {@code b}'s FOCUS export (CUR 2.0's layout); empty when none. */
    public static Optional<Delivered> newestFocus(Session s, BillingFacts b) throws BucketDenied {
        return newestDataExport(s, b.bucket(), b.focus());
    }

    /** The newest month of carbon data delivered for {@code b}'s carbon export; empty when none. */
    public static Optional<YearMonth> newestCarbonMonth(Session s, BillingFacts b) throws BucketDenied {
        String metadata = root(b.carbon()) + "metadata/";
        YearMonth newest = null;
        for (String folder : s.folders(b.bucket(), metadata)) {
            YearMonth month = MODEL_VERSION.matcher(lastSegment(folder)).matches()
                    ? newestMonth(s.folders(b.bucket(), folder)) : month(folder, USAGE_PERIOD);
            if (month != null && (newest == null || month.isAfter(newest))) {
                newest = month;
            }
        }
        return Optional.ofNullable(newest);
    }

    private static Optional<Delivered> newestDataExport(Session s, String bucket, Feed feed) throws BucketDenied {
        Delivered newest = null;
        for (Period p : newestPeriods(s.folders(bucket, root(feed) + "metadata/"), BILLING_PERIOD)) {
            newest = Delivered.newer(newest, newestIn(s, bucket, p.folder(), p.month()));
        }
        return Optional.ofNullable(newest);
    }

    private static Optional<Delivered> newestLegacy(Session s, String bucket, Feed feed) throws BucketDenied {
        String root = root(feed);
        String report = feed.export().name();
        Delivered newest = null;
        for (Period p : newestPeriods(s.folders(bucket, root), DATE_RANGE)) {
            newest = Delivered.newer(newest, newestIn(s, bucket, p.folder(), p.month()));
        }
        for (Period p : newestYearMonths(s, bucket, root + report + "/")) {
            newest = Delivered.newer(newest, newestIn(s, bucket, p.folder() + report + MANIFEST, p.month()));
        }
        return Optional.ofNullable(newest);
    }

    /** The two newest months of the {@code year=YYYY/month=M/} layout: the newest year's, and the year before's if needed. */
    private static List<Period> newestYearMonths(Session s, String bucket, String reportFolder) throws BucketDenied {
        List<Period> years = new ArrayList<>();
        for (String folder : s.folders(bucket, reportFolder)) {
            Matcher m = YEAR.matcher(lastSegment(folder));
            if (m.matches()) {
                years.add(new Period(folder, YearMonth.of(Integer.parseInt(m.group(1)), 1)));
            }
        }
        years.sort(Comparator.comparing(Period::month).reversed());
        List<Period> months = new ArrayList<>();
        for (Period year : years) {
            for (String folder : s.folders(bucket, year.folder())) {
                Matcher m = MONTH.matcher(lastSegment(folder));
                int month = m.matches() ? Integer.parseInt(m.group(1)) : 0;
                if (month >= 1 && month <= 12) {
                    months.add(new Period(folder, YearMonth.of(year.month().getYear(), month)));
                }
            }
            if (months.size() >= PERIODS) {
                break;
            }
        }
        return newest(months);
    }

    /** The newest manifest whose key starts with {@code prefix}, as a delivery of {@code period}; null when none. */
    private static Delivered newestIn(Session s, String bucket, String prefix, YearMonth period) throws BucketDenied {
        return s.objects(bucket, prefix).stream().filter(o -> o.key().endsWith(MANIFEST))
                .map(StoredObject::lastModified).max(Comparator.naturalOrder())
                .map(at -> new Delivered(period, at)).orElse(null);
    }

    private record Period(String folder, YearMonth month) {}

    private static List<Period> newestPeriods(List<String> folders, Pattern period) {
        List<Period> periods = new ArrayList<>();
        for (String folder : folders) {
            YearMonth month = month(folder, period);
            if (month != null) {
                periods.add(new Period(folder, month));
            }
        }
        return newest(periods);
    }

    private static List<Period> newest(List<Period> periods) {
        return periods.stream().sorted(Comparator.comparing(Period::month).reversed()).limit(PERIODS).toList();
    }

    private static YearMonth newestMonth(List<String> folders) {
        List<Period> periods = newestPeriods(folders, USAGE_PERIOD);
        return periods.isEmpty() ? null : periods.get(0).month();
    }

    private static YearMonth month(String folder, Pattern period) {
        Matcher m = period.matcher(lastSegment(folder));
        if (!m.matches()) {
            return null;
        }
        int month = Integer.parseInt(m.group(2));
        return month < 1 || month > 12 ? null : YearMonth.of(Integer.parseInt(m.group(1)), month);
    }

    /** {@code <prefix>/<name>/}, the prefix without its trailing slashes (an empty prefix is the bucket's root). */
    static String root(Feed feed) {
        return root(feed.prefix(), feed.export().name());
    }

    static String root(String prefix, String name) {
        String p = prefix == null ? "" : prefix.replaceAll("/+$", "");
        return (p.isEmpty() ? "" : p + "/") + name + "/";
    }

    /** The last segment of a folder ({@code a/b/} is {@code b}) or key. */
    static String lastSegment(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }
}
