package dev.costlink.verifier;

import dev.costlink.common.RegistrySchema.Deliveries;
import dev.costlink.verifier.Check.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the deliveries that arrived are sound, from what the connection stack's detector reported (the registry's
 * last delivery of each export): a delivery that arrived and is invalid fails here, distinct from one that is missing
 * (the freshness checks). The next valid delivery of the export clears it.
 */
public final class DeliveryValidityCheck {
    static final String NAME = "delivery-valid";

    private DeliveryValidityCheck() {}

    /** {@code mine}: the connection's own exports' records (DeliveryReports.of). */
    public static Check of(List<ReportedDelivery> mine) {
        if (mine.isEmpty()) {
            return Check.of(NAME, State.OK, "The connection stack has reported no delivery yet.");
        }
        List<String> invalid = new ArrayList<>();
        List<String> valid = new ArrayList<>();
        for (ReportedDelivery r : mine) {
            if (r.valid()) {
                valid.add(describe(r));
            } else {
                invalid.add(invalid(r));
            }
        }
        if (invalid.isEmpty()) {
            return Check.of(NAME, State.OK, "The last delivery of each export is valid: " + String.join("; ", valid)
                    + ".");
        }
        return Check.of(NAME, State.INVALID, String.join(" ", invalid) + " Fix: AWS rewrites the billing period at its "
                + "next refresh (up to three a day), which usually replaces the broken files; the detector reports "
                + "that delivery by itself. If the next one is invalid too, look at the files named: something other "
                + "than AWS may delete or overwrite report files (a lifecycle rule, a sync job), or the export's "
                + "columns changed.");
    }

    private static String describe(ReportedDelivery r) {
        Object period = r.last().get(Deliveries.BILLING_PERIOD);
        Instant at = r.receivedAt();
        return r.kind() + " " + r.name() + (period == null ? "" : " (" + period + ")")
                + (at == null ? "" : " received " + at);
    }

    private static String invalid(ReportedDelivery r) {
        return "The last " + describe(r) + " is invalid: "
                + (r.problems().isEmpty() ? "the detector named no problem" : String.join("; ", r.problems())) + "."
                + (r.lastValidAt() == null ? " This export has had no valid delivery yet."
                : " Its last valid delivery was received " + r.lastValidAt() + ".");
    }
}
