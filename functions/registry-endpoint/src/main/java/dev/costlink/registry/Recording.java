package dev.costlink.registry;

/**
 * What became of one attempt to record an event; {@code detail} (or null) names causes such as DynamoDB's cancellation
 * codes, never the event's content. {@code awaitsProof}: the recorded connection event left its connection PENDING
 * (not held for approval), so the verifier should prove the role.
 */
public record Recording(Outcome outcome, String detail, boolean awaitsProof) {
    public enum Outcome {
        /** Recorded and applied now. */
        RECORDED,
        /** The event id was recorded before: nothing changed. */
        DUPLICATE,
        /** The connection item changed between reading and writing: decide again. */
        CONNECTION_CHANGED,
        /** An updated or deleted from another stack than the one the connection is registered by: nothing changed. */
        WRONG_STACK,
        /** DynamoDB is busy (conflict, throttling, capacity) or failed in a way that may pass: the sender retries. */
        BUSY,
        /** DynamoDB refuses this write for good (validation, size limits): retrying cannot help. */
        UNSTORABLE
    }

    public Recording(Outcome outcome, String detail) {
        this(outcome, detail, false);
    }

    public static Recording of(Outcome outcome) {
        return new Recording(outcome, null);
    }
}
