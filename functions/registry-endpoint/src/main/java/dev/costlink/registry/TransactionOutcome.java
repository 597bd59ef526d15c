package dev.costlink.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a cancelled transaction's reasons, one per item in request order (codes from the DynamoDB API reference,
 * TransactionCanceledException), and decides what became of the event. Every reason is examined:
 * <ol>
 *   <li>ValidationError, ItemCollectionSizeLimitExceeded anywhere: {@code UNSTORABLE} (retrying cannot help);</li>
 *   <li>TransactionConflict, ThrottlingError, ProvisionedThroughputExceeded, or a code this class does not know:
 *       {@code BUSY} (the sender retries);</li>
 *   <li>ConditionalCheckFailed on the guarded connection item: {@code CONNECTION_CHANGED} (decide again);</li>
 *   <li>ConditionalCheckFailed on the seen-event item and None on every other: {@code DUPLICATE};</li>
 *   <li>anything else (no reasons, a count that does not match the items, only None, a failed check on an item
 *       without a condition): {@code BUSY}.</li>
 * </ol>
 */
final class TransactionOutcome {
    /** The role of each item of the transaction, in request order. */
    enum Item {
        /** The events-table put conditioned on the id being new. */
        SEEN_EVENT,
        /** A connection item written or checked under a condition on its current state. */
        GUARDED_CONNECTION,
        /** An unconditioned write. */
        EFFECT
    }

    static final String NONE = "None";
    static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    static final Set<String> PERMANENT = Set.of("ValidationError", "ItemCollectionSizeLimitExceeded");
    static final Set<String> TRANSIENT = Set.of("TransactionConflict", "ThrottlingError",
            "ProvisionedThroughputExceeded");

    private TransactionOutcome() {}

    /** {@code codes}: each reason's code in request order; a null code counts as None. */
    static Recording of(List<String> codes, List<Item> items) {
        List<String> cs = new ArrayList<>();
        codes.forEach(c -> cs.add(c == null ? NONE : c));
        String detail = "cancellation reasons " + cs;
        if (cs.stream().anyMatch(PERMANENT::contains)) {
            return new Recording(Recording.Outcome.UNSTORABLE, detail);
        }
        if (cs.stream().anyMatch(TRANSIENT::contains)) {
            return new Recording(Recording.Outcome.BUSY, detail);
        }
        if (cs.stream().anyMatch(c -> !c.equals(NONE) && !c.equals(CONDITIONAL_CHECK_FAILED))) {
            return new Recording(Recording.Outcome.BUSY, "unknown code in " + detail);
        }
        if (cs.size() != items.size()) {
            return new Recording(Recording.Outcome.BUSY, detail + " for " + items.size() + " items");
        }
        boolean eventSeen = false;
        boolean connectionChanged = false;
        boolean unexpected = false;
        for (int i = 0; i < cs.size(); i++) {
            if (cs.get(i).equals(CONDITIONAL_CHECK_FAILED)) {
                switch (items.get(i)) {
                    case SEEN_EVENT -> eventSeen = true;
                    case GUARDED_CONNECTION -> connectionChanged = true;
                    case EFFECT -> unexpected = true;
                }
            }
        }
        if (unexpected || !(eventSeen || connectionChanged)) {
            return new Recording(Recording.Outcome.BUSY, detail);
        }
        return new Recording(connectionChanged ? Recording.Outcome.CONNECTION_CHANGED : Recording.Outcome.DUPLICATE,
                detail);
    }
}
