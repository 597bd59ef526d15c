package dev.costlink.registry;

/**
 * What became of revoking a deleted payer connection's member connections. {@code complete} is false when members are
 * left ACTIVE (the time budget ran out, or they kept conflicting): the answer is then a 503, and the sender's retry,
 * a duplicate of the recorded delete, runs the revocation again. {@code detail} names causes, never content.
 */
public record MemberRevocation(boolean complete, int revoked, String detail) {
    public static MemberRevocation done(int revoked, String detail) {
        return new MemberRevocation(true, revoked, detail);
    }

    public static MemberRevocation unfinished(int revoked, String detail) {
        return new MemberRevocation(false, revoked, detail);
    }
}
