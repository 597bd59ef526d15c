package dev.costlink.verifier;

/**
 * One verification of one connection: what was checked, how it went, and in plain words why and what to do. A check
 * of the delivery calendar or an export's status also names its {@link State} (docs/health-events.md, "States"); its
 * result is then the state's severity, so the two can never disagree. Checks made with {@link #pass}, {@link #warn}
 * and {@link #fail} carry no state.
 */
public record Check(String name, Result result, State state, String detail) {
    public enum Result { PASS, WARN, FAIL }

    /** What a check found, each with its fixed severity. */
    public enum State {
        /** Data arrives as AWS promises, or the export or report is sound. */
        OK(Result.PASS),
        /** No delivery yet, and the connection or export is within its first-delivery window. */
        PENDING_FIRST(Result.PASS),
        /** Data is later than AWS's rhythm allows, but not yet long enough to say it stopped. */
        LATE(Result.WARN),
        /** No data for longer than the alert threshold: deliveries have stopped, or never started. */
        MISSING(Result.FAIL),
        /** AWS reports the export or report failed (UNHEALTHY, a failed run, a CUR 1.0 delivery error). */
        FAILED(Result.FAIL),
        /** The export or report the connection stack reported no longer exists. */
        NOT_FOUND(Result.FAIL),
        /** A delivery arrived and the detector found it invalid. */
        INVALID(Result.FAIL),
        /** Delivery events the vendor did not take wait in the connection stack's failure queue. */
        PARKED(Result.FAIL),
        /** The role refused: it cannot be assumed, or may not read what it must. */
        DENIED(Result.FAIL),
        /** What the registry holds does not say where to look (or is refused as unsafe to call): not checked. */
        UNVERIFIABLE(Result.WARN);

        private final Result severity;

        State(Result severity) {
            this.severity = severity;
        }

        public Result severity() {
            return severity;
        }
    }

    public Check {
        if (state != null && state.severity != result) {
            throw new IllegalArgumentException("state " + state + " is a " + state.severity + ", not a " + result);
        }
    }

    /** A check without a state. */
    public Check(String name, Result result, String detail) {
        this(name, result, null, detail);
    }

    public static Check of(String name, State state, String detail) {
        return new Check(name, state.severity, state, detail);
    }

    public static Check pass(String name, String detail) {
        return new Check(name, Result.PASS, detail);
    }

    public static Check warn(String name, String detail) {
        return new Check(name, Result.WARN, detail);
    }

    public static Check fail(String name, String detail) {
        return new Check(name, Result.FAIL, detail);
    }

    /** The same check with {@code more} added to its detail. */
    public Check withMore(String more) {
        return new Check(name, result, state, detail + more);
    }
}
