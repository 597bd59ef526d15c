package dev.costlink.detector;

import java.util.List;

/** The validated facts of one delivery. Empty {@code problems} means complete and sound. */
public record DeliveryReport(DeliveryRef ref, String manifestETag, String runId, String exportArn, int fileCount,
                             long totalRows, long totalBytes, List<Problem> problems) {

    /** {@code file} is null for a problem of the delivery as a whole. */
    public record Problem(String file, String problem) {}

    public boolean valid() {
        return problems.isEmpty();
    }
}
