package dev.costlink.verifier;

import dev.costlink.common.RegistrySchema.Deliveries;
import dev.costlink.common.RegistrySchema.Facts;
import dev.costlink.verifier.BillingFacts.Feed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every export's last delivery the registry holds for a connection's tenant and account, read once per verification:
 * for the delivery-valid check, the health event's {@code lastDelivery}, and the LastValidDeliveryAgeHours metric.
 * {@link #UNKNOWN} when the verifier has no deliveries table (then nothing is judged from it).
 */
public record DeliveryReports(List<ReportedDelivery> all) {
    public static final DeliveryReports UNKNOWN = new DeliveryReports(null);
    static final List<String> CUR_KINDS = List.of(Facts.CUR2, Facts.CUR1);
    static final String FOCUS = "FOCUS";
    static final String CARBON = "CARBON";

    public boolean known() {
        return all != null;
    }

    /** The newest delivery record of the account (any export), summarised for the health event; null when none. */
    public Map<String, Object> newestSummary() {
        return stream().max(Comparator.comparing(r -> r.receivedAt() == null ? Instant.EPOCH : r.receivedAt()))
                .map(ReportedDelivery::last).orElse(null);
    }

    /** When the newest valid CUR delivery (CUR2 or CUR1, any export of the account) was received; null when none. */
    public Instant newestValidCurAt() {
        return stream().filter(r -> CUR_KINDS.contains(r.kind())).map(ReportedDelivery::lastValidAt)
                .filter(at -> at != null).max(Comparator.naturalOrder()).orElse(null);
    }

    /** The records of {@code b}'s own exports: its CUR (by its version), FOCUS and carbon exports, matched by name. */
    public List<ReportedDelivery> of(BillingFacts b) {
        List<ReportedDelivery> mine = new ArrayList<>();
        for (ReportedDelivery r : all == null ? List.<ReportedDelivery>of() : all) {
            if (matches(r, b.legacyCur() ? Facts.CUR1 : Facts.CUR2, b.cur()) || matches(r, FOCUS, b.focus())
                    || matches(r, CARBON, b.carbon())) {
                mine.add(r);
            }
        }
        return mine;
    }

    private static boolean matches(ReportedDelivery r, String kind, Feed feed) {
        if (!kind.equals(r.kind()) || (feed.prefix() == null && !feed.export().isKnown())) {
            return false;
        }
        return feed.export().name() == null || feed.export().name().equals(r.name());
    }

    private Stream<ReportedDelivery> stream() {
        return all == null ? Stream.empty() : all.stream();
    }

    /** The key of an export's record ({@link Deliveries#exportKey}: {@code KIND#name}) split into kind and name. */
    static String[] kindAndName(String exportKey) {
        int hash = exportKey == null ? -1 : exportKey.indexOf('#');
        return hash < 0 ? new String[] {exportKey, null} : new String[] {exportKey.substring(0, hash),
                exportKey.substring(hash + 1)};
    }
}
