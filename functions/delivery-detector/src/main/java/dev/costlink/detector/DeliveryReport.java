package dev.costlink.detector;

import java.util.List;

/**
 * The validated facts of one delivery. {@code format} is null when the manifest could not be read; {@code totalRows}
 * is null when a file's rows cannot be counted without downloading it (a large compressed CSV). {@code changedFiles}
 * were replaced while they were read (a newer refresh is being written over this delivery).
 */
public record DeliveryReport(DeliveryRef ref, String manifestETag, Manifest manifest, DeliveryFormat format,
                             int fileCount, Long totalRows, long totalBytes, List<Problem> problems,
                             List<String> changedFiles) {

    /** {@code file} is null for a problem of the delivery as a whole. */
    public record Problem(String file, String problem) {}

    /**
     * What becomes of the delivery, decided here only: COMPLETED and INVALID are told to the vendor; CHANGED is not
     * (what was read mixes two versions; the refresh that replaced a file writes the manifest again, and that write
     * brings the delivery back to the detector).
     */
    public enum Outcome { COMPLETED, INVALID, CHANGED }

    public Outcome outcome() {
        if (!changedFiles.isEmpty()) {
            return Outcome.CHANGED;
        }
        return problems.isEmpty() ? Outcome.COMPLETED : Outcome.INVALID;
    }

    public boolean valid() {
        return outcome() == Outcome.COMPLETED;
    }

    /** The run: executionId (Data Exports) or assemblyId (CUR 1.0), when the manifest names it. */
    public String runId() {
        return manifest == null ? null : manifest.runId();
    }

    public String exportArn() {
        return manifest == null ? null : manifest.exportArn();
    }
}
