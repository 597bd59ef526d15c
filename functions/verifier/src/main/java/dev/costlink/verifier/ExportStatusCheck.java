package dev.costlink.verifier;

import java.util.Locale;

/** Reads BCM Data Exports' own verdict on an export and its latest execution into a check with the likely fix. */
public final class ExportStatusCheck {
    private ExportStatusCheck() {}

    /** {@code statusCode} HEALTHY|UNHEALTHY; {@code executionStatus} the latest execution's code, or null. */
    public static Check of(String name, String exportName, String statusCode, String statusReason,
                           String executionStatus, String executionReason) {
        if ("UNHEALTHY".equals(statusCode)) {
            return Check.fail(name, "Export " + exportName + " is UNHEALTHY (" + reason(statusReason) + "): "
                    + fix(statusReason));
        }
        if (executionStatus != null && executionStatus.endsWith("_FAILURE")) {
            return Check.fail(name, "The latest run of export " + exportName + " ended in " + executionStatus + " ("
                    + reason(executionReason) + "): " + fix(executionReason));
        }
        return Check.pass(name, "Export " + exportName + " is HEALTHY"
                + (executionStatus == null ? "." : "; latest run " + executionStatus + "."));
    }

    private static String reason(String r) {
        return r == null || r.isBlank() ? "no reason given" : r;
    }

    static String fix(String reason) {
        String r = reason == null ? "" : reason.toUpperCase(Locale.ROOT);
        if (r.contains("INSUFFICIENT_PERMISSION")) {
            return "the bucket policy does not let bcm-data-exports.amazonaws.com write to the bucket; restore the "
                    + "policy of the onboarding guide (s3:PutObject and s3:GetBucketPolicy, bound by aws:SourceArn and "
                    + "aws:SourceAccount).";
        }
        if (r.contains("BILL_OWNER_CHANGED")) {
            return "the account's bill owner changed (it moved organisation); recreate the export in the new payer.";
        }
        return "AWS reported an internal failure; it usually clears on the next refresh, contact AWS support if not.";
    }
}
