package dev.costlink.detector;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a complete delivery from everything else that lands in a billing bucket, by its manifest's (decoded) key:
 * <ul>
 *   <li>CUR 2.0: {@code <p>/<export>/metadata/BILLING_PERIOD=YYYY-MM/[<timestamp>-<executionId>/]<export>-Manifest.json};
 *       FOCUS: the same layout with {@code billing_period=} in lower case. Sources: AWS Data Exports user guide,
 *       "Understanding export delivery" (every export: {@code <prefix>/<export>/data|metadata/<partition>/}, the
 *       manifest after the data) and "FOCUS 1.0 with AWS columns" (table FOCUS_1_0_AWS); the lower-case partition is
 *       from shared/reference/delivery-formats.md and public readers of FOCUS exports, as AWS does not document it.
 *       Public code shows both spellings, so the key only suggests the kind: the manifest's columns decide
 *       ({@link Manifest#listedKind()});</li>
 *   <li>carbon: {@code <p>/<export>/metadata/[carbon_]model_version=<v>/usage_period=YYYY-MM/<export>-Manifest.json},
 *       the model partition optional;</li>
 *   <li>CUR 1.0: {@code <p>/<report>/<yyyymmdd-yyyymmdd>/[<assemblyId>/]<report>-Manifest.json} or
 *       {@code <p>/<report>/<report>/year=YYYY/month=M/<report>-Manifest.json}.</li>
 * </ul>
 */
public final class DeliveryRecognizer {
    static final String PROBE = "aws-programmatic-access-test-object";
    private static final String SUFFIX = "-Manifest.json";
    private static final Pattern PERIOD = Pattern.compile("(?i)(billing_period|usage_period)=(\\d{4})-(\\d{2})");
    private static final Pattern RANGE = Pattern.compile("(\\d{4})(\\d{2})\\d{2}-\\d{8}");
    private static final Pattern YEAR = Pattern.compile("(?i)year=(\\d{4})");
    private static final Pattern MONTH = Pattern.compile("(?i)month=(\\d{1,2})");

    private final List<String> prefixes;

    /** {@code prefixes}: the report prefixes this stack watches; empty watches the whole bucket. */
    public DeliveryRecognizer(List<String> prefixes) {
        this.prefixes = prefixes.stream().map(p -> p.endsWith("/") ? p : p + "/").toList();
    }

    /** Why a key was not taken as a delivery; logged at debug level. */
    public record Ignored(String reason) {}

    public Optional<DeliveryRef> recognize(String bucket, String key, java.util.function.Consumer<Ignored> ignored) {
        String[] parts = key.split("/", -1);
        String file = parts[parts.length - 1];
        if (file.equals(PROBE)) {
            ignored.accept(new Ignored("AWS permission probe object"));
            return Optional.empty();
        }
        if (!file.endsWith(SUFFIX) || file.length() == SUFFIX.length()) {
            ignored.accept(new Ignored("not a manifest"));
            return Optional.empty();
        }
        if (!prefixes.isEmpty() && prefixes.stream().noneMatch(p -> key.startsWith(p) || p.equals("/"))) {
            ignored.accept(new Ignored("outside the report prefixes"));
            return Optional.empty();
        }
        if (Arrays.stream(parts).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))
                || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            ignored.accept(new Ignored("key has empty, dot or control-character segments"));
            return Optional.empty();
        }
        String name = file.substring(0, file.length() - SUFFIX.length());
        Optional<DeliveryRef> ref = dataExport(bucket, key, parts, name);
        if (ref.isEmpty()) {
            ref = legacyReport(bucket, key, parts, name);
        }
        if (ref.isEmpty()) {
            ignored.accept(new Ignored("a manifest in no known delivery layout"));
        }
        return ref;
    }

    private static Optional<DeliveryRef> dataExport(String bucket, String key, String[] parts, String name) {
        for (int m = 1; m < parts.length - 1; m++) {
            if (!parts[m].equals("metadata") || !parts[m - 1].equals(name)) {
                continue;
            }
            DeliveryKind kind = null;
            String period = null;
            for (int i = m + 1; i < parts.length - 1; i++) {
                Matcher p = PERIOD.matcher(parts[i]);
                if (p.matches()) {
                    kind = p.group(1).equals("billing_period") ? DeliveryKind.FOCUS
                            : p.group(1).toLowerCase(Locale.ROOT).equals("billing_period") ? DeliveryKind.CUR2
                            : DeliveryKind.CARBON;
                    period = p.group(2) + "-" + p.group(3);
                }
            }
            if (kind == null) {
                return Optional.empty();
            }
            String root = String.join("/", Arrays.copyOfRange(parts, 0, m)) + "/";
            return Optional.of(new DeliveryRef(kind, bucket, key, name, period, root));
        }
        return Optional.empty();
    }

    private static Optional<DeliveryRef> legacyReport(String bucket, String key, String[] parts, String name) {
        for (int i = 1; i < parts.length - 1; i++) {
            Matcher range = RANGE.matcher(parts[i]);
            if (range.matches() && parts[i - 1].equals(name)) {
                String root = String.join("/", Arrays.copyOfRange(parts, 0, i)) + "/";
                return Optional.of(new DeliveryRef(DeliveryKind.CUR1, bucket, key, name,
                        range.group(1) + "-" + range.group(2), root));
            }
        }
        for (int i = 2; i < parts.length - 2; i++) {
            Matcher year = YEAR.matcher(parts[i]);
            Matcher month = MONTH.matcher(parts[i + 1]);
            if (year.matches() && month.matches() && parts[i - 1].equals(name) && parts[i - 2].equals(name)) {
                int mm = Integer.parseInt(month.group(1));
                if (mm < 1 || mm > 12) {
                    return Optional.empty();
                }
                String root = String.join("/", Arrays.copyOfRange(parts, 0, i - 1)) + "/";
                return Optional.of(new DeliveryRef(DeliveryKind.CUR1, bucket, key, name,
                        year.group(1) + "-" + String.format("%02d", mm), root));
            }
        }
        return Optional.empty();
    }
}
