package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.costlink.common.JsonLog;
import dev.costlink.common.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker's metrics for each verification recorded, checked against metrics.json by the functions' own writer
 * (dev.costlink.common.Metrics refuses any name or dimension set the catalogue does not declare).
 */
class WorkerMetricsTest {
    private record Line(Map<String, String> dimensions, Map<String, ? extends Number> values) {}

    private final List<Line> lines = new ArrayList<>();
    private final Metrics catalogue = new Metrics(new JsonLog("worker-metrics-test"));
    private final WorkerMetrics metrics = new WorkerMetrics((d, v) -> {
        catalogue.emit(d, v);
        lines.add(new Line(d, v));
    });

    @Test
    void aVerificationCountsItsStatusItsFailuresAndTheAgeOfItsNewestValidCur() {
        metrics.verified(HealthStatus.UNHEALTHY, List.of(Check.pass("assume-role", ""), Check.fail("cur-freshness", ""),
                Check.warn("carbon-month", ""), Check.fail("delivery-valid", "")), NOW.minus(Duration.ofMinutes(90)), NOW);
        metrics.verified(HealthStatus.UNHEALTHY, List.of(Check.fail("assume-role", "")), null, NOW);
        metrics.errors(0);
        metrics.errors(2);
        assertEquals(List.of(
                new Line(Map.of("Status", "UNHEALTHY"), Map.of("ConnectionsChecked", 1)),
                new Line(Map.of(), Map.of("AssumeRoleFailures", 0, "LastValidDeliveryAgeHours", 1.5)),
                new Line(Map.of("Check", "cur-freshness"), Map.of("CheckFailures", 1)),
                new Line(Map.of("Check", "delivery-valid"), Map.of("CheckFailures", 1)),
                new Line(Map.of("Status", "UNHEALTHY"), Map.of("ConnectionsChecked", 1)),
                new Line(Map.of(), Map.of("AssumeRoleFailures", 1)),
                new Line(Map.of("Check", "assume-role"), Map.of("CheckFailures", 1)),
                new Line(Map.of(), Map.of("WorkerErrors", 2))), lines);
    }

    @Test
    void aDeliveryNewerThanTheRunsInstantIsZeroHoursOld() {
        metrics.verified(HealthStatus.HEALTHY, List.of(), NOW.plusSeconds(30), NOW);
        assertEquals(0.0, lines.get(1).values().get("LastValidDeliveryAgeHours"));
    }
}
