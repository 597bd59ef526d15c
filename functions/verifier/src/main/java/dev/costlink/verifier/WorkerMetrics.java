package dev.costlink.verifier;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's metrics, as metrics.json declares them (dev.costlink.common.Metrics refuses anything else): for each
 * connection whose verification is recorded, ConnectionsChecked by Status, AssumeRoleFailures, CheckFailures by Check
 * (one per failed check) and LastValidDeliveryAgeHours (hours from the newest valid CUR delivery the registry holds to
 * the run's instant; left out when there is none); WorkerErrors for each message that could not be handled;
 * RoleProofsSucceeded and RoleProofsFailed (by Reason) for each PENDING connection whose role the worker tried to prove.
 */
public final class WorkerMetrics {
    /** Where metric lines go: dev.costlink.common.Metrics#emit in the function. */
    public interface Sink {
        void emit(Map<String, String> dimensions, Map<String, ? extends Number> values);
    }

    public static final WorkerMetrics NONE = new WorkerMetrics((d, v) -> {});

    private final Sink sink;

    public WorkerMetrics(Sink sink) {
        this.sink = sink;
    }

    public void verified(HealthStatus status, List<Check> checks, Instant newestValidCur, Instant asOf) {
        sink.emit(Map.of("Status", status.name()), Map.of("ConnectionsChecked", 1));
        Map<String, Number> plain = new LinkedHashMap<>();
        plain.put("AssumeRoleFailures", checks.stream().anyMatch(c -> c.name().equals("assume-role")
                && c.result() == Check.Result.FAIL) ? 1 : 0);
        if (newestValidCur != null) {
            long seconds = Math.max(0, Duration.between(newestValidCur, asOf).toSeconds());
            plain.put("LastValidDeliveryAgeHours", Math.round(seconds / 36.0) / 100.0);
        }
        sink.emit(Map.of(), plain);
        for (Check c : checks) {
            if (c.result() == Check.Result.FAIL) {
                sink.emit(Map.of("Check", c.name()), Map.of("CheckFailures", 1));
            }
        }
    }

    /** A PENDING connection's role was assumed with its tenant's ExternalId and the connection made ACTIVE. */
    public void roleProved() {
        sink.emit(Map.of(), Map.of("RoleProofsSucceeded", 1));
    }

    /** A PENDING connection's role could not be assumed ({@code reason}: RoleProof's kind of failure). */
    public void roleProofFailed(String reason) {
        sink.emit(Map.of("Reason", reason), Map.of("RoleProofsFailed", 1));
    }

    /** One message (or unidentifiable record) the worker could not handle. */
    public void errors(int count) {
        if (count > 0) {
            sink.emit(Map.of(), Map.of("WorkerErrors", count));
        }
    }
}
