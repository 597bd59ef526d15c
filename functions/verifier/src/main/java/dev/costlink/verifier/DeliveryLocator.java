package dev.costlink.verifier;

import dev.costlink.verifier.CustomerAccount.BucketDenied;
import dev.costlink.verifier.CustomerAccount.Session;
import dev.costlink.verifier.CustomerAccount.StoredObject;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the newest delivery by listing only where manifests live (shared/reference/delivery-formats.md), never the
 * data files, so an hourly check costs the same few listings whatever the size of the customer's billing history:
 * <ul>
 *   <li>CUR 2.0: the {@code BILLING_PERIOD=} folders of {@code <prefix>/<export>/metadata/}, then the newest one's
 *       manifests (overwrite mode: one; create-new mode: one per run of that month);</li>
 *   <li>CUR 1.0: the newest {@code <yyyymmdd-yyyymmdd>/} folder of {@code <prefix>/<report>/} and, for the other
 *       layout, {@code <prefix>/<report>/<report>/year=YYYY/month=M/<report>-Manifest.json} of the newest month;</li>
 *   <li>carbon: the {@code usage_period=} folder names under {@code <prefix>/<export>/metadata/} (also below a
 *       {@code [carbon_]model_version=} folder): metadata holds manifests only, so a month's folder is its manifest.</li>
 * </ul>
 * The month taken is the newest one: it is the one AWS refreshes daily, so its manifest is the newest delivery.
 */
public final class DeliveryLocator {
    static final String MANIFEST = "-Manifest.json";
    private static final Pattern BILLING_PERIOD = Pattern.compile("(?i)billing_period=(\\d{4})-(\\d{2})");
    private static final Pattern USAGE_PERIOD = Pattern.compile("(?i)usage_period=(\\d{4})-(\\d{2})");
    private static final Pattern MODEL_VERSION = Pattern.compile("(?i)(carbon_)?model_version=[^/]+");
    private static final Pattern DATE_RANGE = Pattern.compile("(\\d{8})-\\d{8}");
    private static final Pattern YEAR = Pattern.compile("(?i)year=(\\d{4})");
    private static final Pattern MONTH = Pattern.compile("(?i)month=(\\d{1,2})");

    private DeliveryLocator() {}

    /** When the newest CUR manifest of {@code b}'s export (or CUR 1.0 report) was written; empty when none. */
    public static Optional<Instant> newestCurManifest(Session s, BillingFacts b) throws BucketDenied {
        String root = root(b.curPrefix(), b.curExport().name());
        return b.legacyCur() ? newestLegacyManifest(s, b.bucket(), root, b.curExport().name())
                : newestIn(s, b.bucket(), newestFolder(s.folders(b.bucket(), root + "metadata/"), BILLING_PERIOD));
    }

    /** The newest month of carbon data delivered for {@code b}'s carbon export; empty when none. */
    public static Optional<YearMonth> newestCarbonMonth(Session s, BillingFacts b) throws BucketDenied {
        String metadata = root(b.carbonPrefix(), b.carbonExport().name()) + "metadata/";
        YearMonth newest = null;
        for (String folder : s.folders(b.bucket(), metadata)) {
            YearMonth month = MODEL_VERSION.matcher(lastSegment(folder)).matches()
                    ? newestMonth(s.folders(b.bucket(), folder), USAGE_PERIOD) : month(folder, USAGE_PERIOD);
            if (month != null && (newest == null || month.isAfter(newest))) {
                newest = month;
            }
        }
        return Optional.ofNullable(newest);
    }

    private static Optional<Instant> newestLegacyManifest(Session s, String bucket, String root, String report)
            throws BucketDenied {
        String range = s.folders(bucket, root).stream()
                .filter(f -> DATE_RANGE.matcher(lastSegment(f)).matches())
                .max(Comparator.comparing(DeliveryLocator::lastSegment)).orElse(null);
        Optional<Instant> newest = newestIn(s, bucket, range);
        String year = highest(s.folders(bucket, root + report + "/"), YEAR);
        if (year != null) {
            String month = highest(s.folders(bucket, year), MONTH);
            Optional<Instant> other = newestIn(s, bucket, month == null ? null : month + report + MANIFEST);
            if (other.isPresent() && (newest.isEmpty() || other.get().isAfter(newest.get()))) {
                newest = other;
            }
        }
        return newest;
    }

    /** The newest last-modified time among the manifests whose keys start with {@code prefix} (none when null). */
    private static Optional<Instant> newestIn(Session s, String bucket, String prefix) throws BucketDenied {
        if (prefix == null) {
            return Optional.empty();
        }
        return s.objects(bucket, prefix).stream().filter(o -> o.key().endsWith(MANIFEST))
                .map(StoredObject::lastModified).max(Comparator.naturalOrder());
    }

    private static String newestFolder(List<String> folders, Pattern period) {
        String newest = null;
        YearMonth newestMonth = null;
        for (String folder : folders) {
            YearMonth month = month(folder, period);
            if (month != null && (newestMonth == null || month.isAfter(newestMonth))) {
                newest = folder;
                newestMonth = month;
            }
        }
        return newest;
    }

    private static YearMonth newestMonth(List<String> folders, Pattern period) {
        String folder = newestFolder(folders, period);
        return folder == null ? null : month(folder, period);
    }

    private static YearMonth month(String folder, Pattern period) {
        Matcher m = period.matcher(lastSegment(folder));
        if (!m.matches()) {
            return null;
        }
        int month = Integer.parseInt(m.group(2));
        return month < 1 || month > 12 ? null : YearMonth.of(Integer.parseInt(m.group(1)), month);
    }

    /** The folder whose last segment matches {@code numbered} with the highest number (year=, month=). */
    private static String highest(List<String> folders, Pattern numbered) {
        String best = null;
        int bestNumber = -1;
        for (String folder : folders) {
            Matcher m = numbered.matcher(lastSegment(folder));
            if (m.matches() && Integer.parseInt(m.group(1)) > bestNumber) {
                best = folder;
                bestNumber = Integer.parseInt(m.group(1));
            }
        }
        return best;
    }

    /** {@code <prefix>/<name>/}, the prefix without its trailing slashes (an empty prefix is the bucket's root). */
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
