package dev.costlink.verifier;

import dev.costlink.verifier.Check.State;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AWS's own verdict on an export (BCM Data Exports: the export's status and its latest run) or a CUR 1.0 report (its
 * last delivery status), as a check whose failure names the cause and the fix in plain words. The codes are the
 * service models' enums (botocore bcm-data-exports 2023-11-26: ExportStatusCode, ExecutionStatusCode,
 * ExecutionStatusReason; cur 2017-01-06: LastStatus).
 */
public final class ExportStatusCheck {
    /** ExecutionStatusCode values that end a run in failure. */
    static final Set<String> FAILED_RUNS = Set.of("QUERY_FAILURE", "DELIVERY_FAILURE");
    /** An enum value as AWS sends one; anything else is not repeated in a check. */
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    /** ExecutionStatusReason, the reason of an UNHEALTHY export and of a failed run, with what to do about it. */
    enum Reason {
        INSUFFICIENT_PERMISSION("the bucket policy does not let bcm-data-exports.amazonaws.com write to the bucket "
                + "(s3:PutObject and s3:GetBucketPolicy, bound by aws:SourceArn and aws:SourceAccount), or the bucket's "
                + "KMS key does not let the billing service encrypt. Fix: restore the bucket policy of the onboarding "
                + "guide (updating the connection stack does it for a bucket the stack created); AWS resumes at its "
                + "next refresh."),
        BILL_OWNER_CHANGED("the account's bill owner changed: it joined or left an AWS Organization, so another "
                + "account now pays its bill and this export no longer covers it. Fix: connect the account that now "
                + "owns the bill (the organisation's management account) and create the export there; delete this "
                + "connection's export."),
        INTERNAL_FAILURE("AWS failed to produce the export on its side. It usually clears at the next refresh (up to "
                + "three a day); if it lasts more than a day, open an AWS Support case naming the export's ARN."),
        DEPRECATED("AWS deprecated what the export queries (its table or table version), so it is no longer "
                + "refreshed. Fix: recreate the export with the current table version (update the connection stack, "
                + "which creates exports of the current version).");

        private final String fix;

        Reason(String fix) {
            this.fix = fix;
        }

        static String fix(String reason) {
            if (reason == null || reason.isBlank()) {
                return "AWS gave no reason. Open the export in the Billing and Cost Management console (Data Exports) "
                        + "for its status history; if AWS shows no cause, recreate the export by updating the "
                        + "connection stack.";
            }
            for (Reason r : values()) {
                if (r.name().equals(reason)) {
                    return r.fix;
                }
            }
            return "the verifier does not know this reason. Open the export in the Billing and Cost Management "
                    + "console (Data Exports) for AWS's explanation.";
        }
    }

    private ExportStatusCheck() {}

    /** {@code statusCode} HEALTHY|UNHEALTHY; {@code executionStatus} the latest run's code, or null before the first. */
    public static Check of(String name, String exportName, String statusCode, String statusReason,
                           String executionStatus, String executionReason, Instant lastRefreshedAt) {
        if ("UNHEALTHY".equals(statusCode)) {
            return Check.of(name, State.FAILED, "Export " + exportName + " is UNHEALTHY (" + code(statusReason)
                    + "): " + Reason.fix(statusReason));
        }
        if (executionStatus != null && FAILED_RUNS.contains(executionStatus)) {
            return Check.of(name, State.FAILED, "The latest run of export " + exportName + " ended in "
                    + executionStatus + " (" + code(executionReason) + "): " + Reason.fix(executionReason));
        }
        return Check.of(name, State.OK, "Export " + exportName + " is "
                + ("HEALTHY".equals(statusCode) ? statusCode : "in state " + code(statusCode))
                + (lastRefreshedAt == null ? "" : ", last refreshed " + lastRefreshedAt)
                + (executionStatus == null ? "." : "; latest run " + code(executionStatus) + "."));
    }

    /** BCM Data Exports' state of an export, with its latest run (noting when it is the newest of those read). */
    public static Check of(String name, CustomerAccount.ExportState e) {
        CustomerAccount.LatestRun run = e.latestRun();
        Check c = of(name, e.name(), e.statusCode(), e.statusReason(), run == null ? null : run.status(),
                run == null ? null : run.reason(), e.lastRefreshedAt());
        if (run != null && run.partial()) {
            return c.withMore(" (The export has more runs than the verifier reads; the latest run is the newest of "
                    + "those read.)");
        }
        return c;
    }

    /** The export the connection stack reported is gone. */
    public static Check notFound(String name, ExportRef export) {
        return Check.of(name, State.NOT_FOUND, "Export " + export.label() + " does not exist (deleted, or created under "
                + "another name). Fix: update the connection stack, which recreates it.");
    }

    /** A legacy CUR 1.0 report: present, and its last delivery not in error. */
    public static Check legacyReport(String reportName, Optional<CustomerAccount.ReportState> report) {
        if (report.isEmpty()) {
            return Check.of("cur-report", State.NOT_FOUND, "CUR 1.0 report " + reportName + " does not exist (deleted, "
                    + "or created under another name). Fix: update the connection stack, which recreates it.");
        }
        String last = report.get().lastStatus();
        if ("ERROR_PERMISSIONS".equals(last)) {
            return Check.of("cur-report", State.FAILED, "CUR 1.0 report " + reportName + " cannot deliver "
                    + "(ERROR_PERMISSIONS): the bucket policy does not let billingreports.amazonaws.com write. Fix: "
                    + "restore the policy of the onboarding guide (s3:PutObject, s3:GetBucketAcl and "
                    + "s3:GetBucketPolicy, bound by aws:SourceArn and aws:SourceAccount).");
        }
        if ("ERROR_NO_BUCKET".equals(last)) {
            return Check.of("cur-report", State.FAILED, "CUR 1.0 report " + reportName + " cannot deliver "
                    + "(ERROR_NO_BUCKET): its bucket no longer exists. Fix: recreate the bucket (same name, us-east-1) "
                    + "or update the connection stack.");
        }
        if (last == null || "SUCCESS".equals(last)) {
            return Check.of("cur-report", State.OK, "CUR 1.0 report " + reportName
                    + (last == null ? " exists; no delivery yet." : " last delivered with status SUCCESS."));
        }
        return Check.of("cur-report", State.UNVERIFIABLE, "CUR 1.0 report " + reportName + " reports a delivery status "
                + "the verifier does not know (" + code(last) + "). Look at the report in the Billing console.");
    }

    /** An AWS status or reason code as it may appear in a check: an enum value, else a neutral placeholder. */
    static String code(String value) {
        if (value == null || value.isBlank()) {
            return "no reason given";
        }
        return CODE.matcher(value).matches() ? value : "an unrecognised code";
    }
}
