package dev.costlink.verifier;

import java.time.Instant;
import java.util.List;
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
        /** The folders directly under {@code prefix} (full prefixes ending in "/"), from a bounded listing. */
        List<String> folders(String bucket, String prefix) throws BucketDenied;

        /** The objects whose keys start with {@code prefix}, from a bounded listing. */
        List<StoredObject> objects(String bucket, String prefix) throws BucketDenied;

        /** The export's status and its latest run, by ARN, or by name when the ARN is unknown; empty if absent. */
        Optional<ExportState> export(ExportRef export);

        /** The legacy CUR 1.0 report's state; empty when no report has this name. */
        Optional<ReportState> report(String reportName);

        /** How many messages wait in the queue (SQS ApproximateNumberOfMessages). */
        int queueDepth(SqsQueueUrl queue) throws QueueUnreadable;
    }

    /** Thrown when the session may not read the queue's attributes, or the queue does not exist; SQS's message. */
    final class QueueUnreadable extends Exception {
        public QueueUnreadable(String message) {
            super(message);
        }
    }

    /** An S3 object's key and last-modified time. */
    record StoredObject(String key, Instant lastModified) {}

    /**
     * BCM Data Exports' view of an export: HEALTHY|UNHEALTHY with a reason, when AWS created it and last refreshed it
     * (either may be null), and its latest execution (null before the first).
     */
    record ExportState(String name, String statusCode, String statusReason, Instant createdAt, Instant lastRefreshedAt,
                       LatestRun latestRun) {}

    /**
     * The newest execution listed: its status code and reason; {@code partial} when the export has more executions
     * than the verifier reads (ListExecutions has no order: the newest of those read).
     */
    record LatestRun(String status, String reason, boolean partial) {}

    /** A CUR 1.0 report: its last delivery status (SUCCESS, ERROR_PERMISSIONS, ERROR_NO_BUCKET), null before the first. */
    record ReportState(String lastStatus) {}

    Session assume(String roleArn, String externalId) throws AssumeRoleRefused;
}
