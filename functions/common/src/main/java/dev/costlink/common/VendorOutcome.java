package dev.costlink.common;

/** What came of sending one event to the vendor. {@code status} is the last HTTP status, 0 if none was received. */
public record VendorOutcome(Kind kind, int status, String message, int attempts) {
    public enum Kind {
        /** The vendor answered 2xx. */
        DELIVERED,
        /** The vendor answered a final 4xx: retrying cannot help. */
        REJECTED,
        /** No 2xx before the deadline: 5xx, 408, 429, refused or timed-out connections. */
        UNREACHABLE,
        /** Not sent: the event could not be signed (no credentials). Final: retrying cannot help. */
        NOT_SIGNED
    }

    public boolean delivered() {
        return kind == Kind.DELIVERED;
    }

    /** One line for a human: what the vendor said or why it could not be reached. */
    public String describe() {
        String said = status > 0 ? "HTTP " + status + (message.isEmpty() ? "" : ": " + message) : message;
        return switch (kind) {
            case DELIVERED -> "delivered (" + said + ")";
            case REJECTED -> "vendor rejected the event (" + said + ")";
            case UNREACHABLE -> "vendor unreachable after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                    + " (" + said + ")";
            case NOT_SIGNED -> "event not sent: " + message;
        };
    }
}
