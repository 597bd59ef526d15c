package dev.costlink.verifier;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Reads BCM Data Exports' own verdict on an export and its latest execution into a check with the likely fix. */
public final class ExportStatusCheck {
    private ExportStatusCheck() {}

    /** {@code statusCode} HEALTHY|UNHEALTHY; {@code executionStatus} the latest execution's code, or null. */
    public static Check of(String name, String exportName, String statusCode, String statusReason,
                           String executionStatus, String executionReason) {
        return of(name, exportName, statusCode, statusReason, executionStatus, executionReason, null);
    }

    /** As above; {@code lastRefreshedAt} (may be null) is reported so a reader sees when AWS last refreshed it. */
    public static Check of(String name, String exportName, String statusCode, String statusReason,
                           String executionStatus, String executionReason, Instant lastRefreshedAt) {
        if ("UNHEALTHY".equals(statusCode)) {
            return Check.fail(name, "Export " + exportName + " is UNHEALTHY (" + reason(statusReason) + "): "
                    + fix(statusReason));
        }
        if (executionStatus != null && executionStatus.endsWith("_FAILURE")) {
            return Check.fail(name, "The latest run of export " + exportName + " ended in " + executionStatus + " ("
                    + reason(executionReason) + "): " + fix(executionReason));
        }
        return Check.pass(name, "Export " + exportName + " is HEALTHY"
                + (lastRefreshedAt == null ? "" : ", last refreshed " + lastRefreshedAt)
                + (executionStatus == null ? "." : "; latest run " + executionStatus + "."));
    }

    /** BCM Data Exports' state of an export, with its latest run (noting when it is the newest of those read). */
    public static Check of(String name, CustomerAccount.ExportState e) {
        CustomerAccount.LatestRun run = e.latestRun();
        Check c = of(name, e.name(), e.statusCode(), e.statusReason(), run == null ? null : run.status(),
                run == null ? null : run.reason(), e.lastRefreshedAt());
        if (run != null && run.partial()) {
            return new Check(c.name(), c.result(), c.detail() + " (The export has more runs than the verifier reads; "
                    + "the latest run is the newest of those read.)");
        }
        return c;
    }

    /** A legacy CUR 1.0 report: present, and its last delivery not in error. */
    public static Check legacyReport(String reportName, Optional<CustomerAccount.ReportState> report) {
        if (report.isEmpty()) {
            return Check.fail("cur-report", "CUR 1.0 report " + reportName + " does not exist (deleted, or created under "
                    + "another name). Fix: update the connection stack, which recreates it.");
        }
        String last = report.get().lastStatus();
        if ("ERROR_PERMISSIONS".equals(last)) {
            return Check.fail("cur-report", "CUR 1.0 report " + reportName + " cannot deliver (ERROR_PERMISSIONS): the "
                    + "bucket policy does not let billingreports.amazonaws.com write; restore the policy of the "
                    + "onboarding guide (s3:PutObject, s3:GetBucketAcl and s3:GetBucketPolicy, bound by aws:SourceArn "
                    + "and aws:SourceAccount).");
        }
        if ("ERROR_NO_BUCKET".equals(last)) {
            return Check.fail("cur-report", "CUR 1.0 report " + reportName + " cannot deliver (ERROR_NO_BUCKET): its "
                    + "bucket no longer exists. Fix: recreate the bucket or update the connection stack.");
        }
        return Check.pass("cur-report", "CUR 1.0 report " + reportName + (last == null ? " exists; no delivery yet."
                : " last delivered with status " + last + "."));
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
