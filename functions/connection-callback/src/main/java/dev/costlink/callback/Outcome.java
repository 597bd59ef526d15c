package dev.costlink.callback;

/** What came of a request, in the terms the answer depends on (see {@link AnswerPolicy}). */
record Outcome(Kind kind, String reason) {
    enum Kind {
        /** The vendor accepted the event. */
        TOLD,
        /** The vendor was not told: it refused or could not be reached, the deadline guard fired, the work failed. */
        NOT_TOLD,
        /** The request itself is wrong (a template error): missing fields, invalid properties, unknown type. */
        INVALID
    }

    static Outcome told() {
        return new Outcome(Kind.TOLD, null);
    }

    static Outcome notTold(String reason) {
        return new Outcome(Kind.NOT_TOLD, reason);
    }

    static Outcome invalid(String reason) {
        return new Outcome(Kind.INVALID, reason);
    }
}
