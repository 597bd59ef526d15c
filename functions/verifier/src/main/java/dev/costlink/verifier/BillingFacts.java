package dev.costlink.verifier;

/**
 * Where a connection's billing data lands, as its stack reported it: the bucket, the CUR version (CUR2 unless it says
 * CUR1), the CUR and carbon report prefixes and exports. A linked account has none of these.
 */
public record BillingFacts(String bucket, String curVersion, String curPrefix, ExportRef curExport,
                           String carbonPrefix, ExportRef carbonExport) {
    public static final BillingFacts NONE = new BillingFacts(null, null, null, ExportRef.NONE, null, ExportRef.NONE);

    public boolean hasBucket() {
        return bucket != null && curPrefix != null;
    }

    public boolean legacyCur() {
        return dev.costlink.common.RegistrySchema.Facts.CUR1.equals(curVersion);
    }

    public boolean hasCarbon() {
        return carbonPrefix != null;
    }
}
