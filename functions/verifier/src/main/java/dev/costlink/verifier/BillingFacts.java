package dev.costlink.verifier;

import dev.costlink.common.RegistrySchema.Facts;

/**
 * Where a connection's billing data lands, as its stack reported it: the bucket, the CUR version (CUR2 unless it says
 * CUR1), one {@link Feed} per kind of export (CUR, FOCUS, carbon), and the stack's queue of delivery events the vendor
 * did not take. A linked account has none of these.
 */
public record BillingFacts(String bucket, String curVersion, Feed cur, Feed focus, Feed carbon,
                           FailureQueue failureQueue) {
    public static final BillingFacts NONE = new BillingFacts(null, null, Feed.NONE, Feed.NONE, Feed.NONE, null);

    /** One export's deliveries: the report prefix it writes under, and the export (or CUR 1.0 report) itself. */
    public record Feed(String prefix, ExportRef export) {
        public static final Feed NONE = new Feed(null, ExportRef.NONE);

        /** {@code <prefix>/<export name>/}, where its deliveries live, is known. */
        public boolean located() {
            return prefix != null && export.name() != null;
        }
    }

    /**
     * The connection stack's DeliveryFailures queue as the registry holds it: its URL (untrusted until checked against
     * the connection's account and region, see {@link SqsQueueUrl}) and the region the stack runs in (null if unknown).
     */
    public record FailureQueue(String url, String stackRegion) {}

    public BillingFacts {
        cur = cur == null ? Feed.NONE : cur;
        focus = focus == null ? Feed.NONE : focus;
        carbon = carbon == null ? Feed.NONE : carbon;
    }

    public boolean hasBucket() {
        return bucket != null && cur.prefix() != null;
    }

    public boolean legacyCur() {
        return Facts.CUR1.equals(curVersion);
    }

    public boolean hasCarbon() {
        return carbon.prefix() != null;
    }

    public boolean hasFocus() {
        return bucket != null && focus.prefix() != null;
    }
}
