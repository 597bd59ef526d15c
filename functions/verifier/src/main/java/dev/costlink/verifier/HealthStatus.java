package dev.costlink.verifier;

import java.util.List;

/** A connection's health from its checks: any FAIL is UNHEALTHY, else any WARN is DEGRADED, else HEALTHY. */
public enum HealthStatus {
    HEALTHY, DEGRADED, UNHEALTHY;

    public static HealthStatus of(List<Check> checks) {
        if (checks.stream().anyMatch(c -> c.result() == Check.Result.FAIL)) {
            return UNHEALTHY;
        }
        if (checks.stream().anyMatch(c -> c.result() == Check.Result.WARN)) {
            return DEGRADED;
        }
        return HEALTHY;
    }
}
