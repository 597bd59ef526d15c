package dev.costlink.verifier;

import java.time.Instant;
import java.time.YearMonth;
import java.util.Optional;

/** What the verifier reads in a customer's account through the assumed role. */
public interface CustomerAccount {
    /** Thrown when the role cannot be assumed; the message is STS's. */
    final class AssumeRoleRefused extends Exception {
        public AssumeRoleRefused(String message) {
            super(message);
        }
    }

    /** Thrown when the session may not read the billing bucket. */
    final class BucketDenied extends Exception {
        public BucketDenied(String message) {
            super(message);
        }
    }

    /** A view of the account as the vendor's platform sees it, through the role and its ExternalId. */
    interface Session {
        /** Last-modified time of the newest manifest under {@code prefix}, if any. */
        Optional<Instant> newestManifest(String bucket, String prefix) throws BucketDenied;

        /** The newest {@code usage_period=YYYY-MM} among the carbon manifests under {@code prefix}, if any. */
        Optional<YearMonth> newestCarbonMonth(String bucket, String prefix) throws BucketDenied;

        /** The export's status and its latest run, by ARN, or by name when the ARN is unknown; empty if absent. */
        Optional<ExportState> export(String exportArn, String exportName);

        /** The legacy CUR 1.0 report's last delivery status (SUCCESS, ERROR_PERMISSIONS, ERROR_NO_BUCKET, or null
         *  before its first delivery); empty when no report has this name. */
        Optional<Optional<String>> reportStatus(String reportName);
    }

    /** BCM Data Exports' view of an export: HEALTHY|UNHEALTHY with a reason, and its latest execution (or nulls). */
    record ExportState(String name, String statusCode, String statusReason, Instant lastRefreshedAt, String latestRun,
                       String latestRunReason) {}

    Session assume(String roleArn, String externalId) throws AssumeRoleRefused;
}
