package dev.costlink.verifier;

import dev.costlink.common.RegistrySchema.Deliveries;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the connection stack's detector last reported of one export (RegistrySchema.Deliveries): its kind (CUR2, CUR1,
 * FOCUS, CARBON) and export or report name, a summary of its last delivery (type, billing period, manifest key,
 * counts, receivedAt), when its last valid delivery was received (null if never), and the problems the detector found
 * in the last delivery when it was invalid (at most a few, already bounded).
 */
public record ReportedDelivery(String kind, String name, Map<String, Object> last, Instant lastValidAt,
                               List<String> problems) {
    public static final String COMPLETED = "delivery.completed";

    public boolean valid() {
        return COMPLETED.equals(last.get(Deliveries.TYPE));
    }

    /** When the registry received the last delivery (null if the record does not say). */
    public Instant receivedAt() {
        return last.get(Deliveries.RECEIVED_AT) instanceof String at ? Instant.parse(at) : null;
    }
}
