package dev.costlink.detector;

import java.util.List;

/**
 * The validated facts of one delivery. Empty {@code problems} means complete and sound. {@code format} is null when
 * the manifest could not be read; {@code totalRows} is null when a file's rows cannot be counted without downloading
 * it (a large compressed CSV).
 */
public record DeliveryReport(DeliveryRef ref, String manifestETag, Manifest manifest, DeliveryFormat format,
                             int fileCount, Long totalRows, long totalBytes, List<Problem> problems) {

    /** {@code file} is null for a problem of the delivery as a whole. */
    public record Problem(String file, String problem) {}

    public boolean valid() {
        return problems.isEmpty();
    }

    /** The run: executionId (Data Exports) or assemblyId (CUR 1.0), when the manifest names it. */
    public String runId() {
        return manifest == null ? null : manifest.runId();
    }

    public String exportArn() {
        return manifest == null ? null : manifest.exportArn();
    }
}
