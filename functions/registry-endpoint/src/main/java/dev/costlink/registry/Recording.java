package dev.costlink.registry;

/**
 * What became of one attempt to record an event; {@code detail} (or null) names causes such as DynamoDB's cancellation
 * codes, never the event's content.
 */
public record Recording(Outcome outcome, String detail) {
    public enum Outcome {
        /** Recorded and applied now. */
        RECORDED,
        /** The event id was recorded before: nothing changed. */
        DUPLICATE,
        /** The connection item changed between reading and writing: decide again. */
        CONNECTION_CHANGED,
        /** DynamoDB is busy (conflict, throttling, capacity) or failed in a way that may pass: the sender retries. */
        BUSY,
        /** DynamoDB refuses this write for good (validation, size limits): retrying cannot help. */
        UNSTORABLE
    }

    public static Recording of(Outcome outcome) {
        return new Recording(outcome, null);
    }
}
