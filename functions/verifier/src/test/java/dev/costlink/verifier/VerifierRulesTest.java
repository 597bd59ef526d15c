package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierRulesTest {
    private static final Instant NOW = Instant.parse("2026-06-25T12:00:00Z");
    private final FreshnessCheck freshness = new FreshnessCheck(Thresholds.DEFAULT);

    private Check cur(Instant registeredAt, Instant newest, Instant now) {
        return freshness.deliveries(FreshnessCheck.Subject.cur(new ExportRef("X", null)), registeredAt, null,
                Fixtures.deliveredAt(newest), now);
    }

    private Check carbon(java.time.YearMonth newest, Instant now) {
        return freshness.carbon(now.minus(Duration.ofDays(60)), null, newest, now);
    }


    @Test
    void noDeliveryYetIsFineWithinTheGracePeriodOnly() {
        assertEquals(Check.Result.PASS, cur(NOW.minus(Duration.ofHours(23)), null, NOW).result());
        Check late = cur(NOW.minus(Duration.ofHours(30)), null, NOW);
        assertEquals(Check.State.LATE, late.state(), "past the grace: late, a warning");
        assertTrue(late.detail().contains("bucket policy"), late.detail());
        Check missing = cur(NOW.minus(Duration.ofHours(49)), null, NOW);
        assertEquals(Check.Result.FAIL, missing.result(), "past the alert threshold: missing");
        assertTrue(missing.detail().contains("it has not come"), missing.detail());
    }

    @Test
    void staleCurWarnsAt36HoursAndAlertsAt48() {
        Instant registered = NOW.minus(Duration.ofDays(30));
        assertEquals(Check.Result.PASS, cur(registered, NOW.minus(Duration.ofHours(30)), NOW).result());
        assertEquals(Check.Result.WARN, cur(registered, NOW.minus(Duration.ofHours(40)), NOW).result());
        assertEquals(Check.Result.FAIL, cur(registered, NOW.minus(Duration.ofHours(49)), NOW).result());
    }

    @Test
    void carbonForLastMonthIsDueByThe21st() {
        assertEquals(Check.Result.PASS, carbon(YearMonth.of(2026, 5), NOW).result());
        Check missing = carbon(YearMonth.of(2026, 4), NOW);
        assertEquals(Check.Result.WARN, missing.result());
        assertTrue(missing.detail().startsWith("Carbon data for 2026-05 is missing"), missing.detail());
        assertEquals(Check.Result.PASS, carbon(YearMonth.of(2026, 4), Instant.parse("2026-06-10T00:00:00Z"))
                .result(), "before the 21st, last month is not due yet");
        assertEquals(Check.Result.WARN, carbon(null, NOW).result());
    }

    @Test
    void unhealthyExportNamesTheLikelyFix() {
        Check c = ExportStatusCheck.of("cur-export", "X", "UNHEALTHY", "INSUFFICIENT_PERMISSION", null, null, null);
        assertEquals(Check.Result.FAIL, c.result());
        assertTrue(c.detail().contains("bucket policy does not let bcm-data-exports.amazonaws.com write"), c.detail());
        Check failedRun = ExportStatusCheck.of("cur-export", "X", "HEALTHY", null, "DELIVERY_FAILURE", "INTERNAL_FAILURE",
                null);
        assertEquals(Check.Result.FAIL, failedRun.result());
        assertEquals(Check.Result.PASS,
                ExportStatusCheck.of("cur-export", "X", "HEALTHY", null, "DELIVERY_SUCCESS", null, null).result());
    }

    @Test
    void statusIsTheWorstCheck() {
        assertEquals(HealthStatus.HEALTHY, HealthStatus.of(List.of(Check.pass("a", ""))));
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(Check.pass("a", ""), Check.warn("b", ""))));
        assertEquals(HealthStatus.UNHEALTHY, HealthStatus.of(List.of(Check.warn("b", ""), Check.fail("c", ""))));
    }

    @Test
    void alertsOnChangeAndRepeatsOnlyWhileUnhealthy() {
        AlertPolicy policy = new AlertPolicy(Duration.ofHours(24));
        assertTrue(policy.shouldPublish(null, HealthStatus.HEALTHY, null, NOW), "first verification");
        assertFalse(policy.shouldPublish(HealthStatus.HEALTHY, HealthStatus.HEALTHY, NOW.minus(Duration.ofDays(9)), NOW));
        assertTrue(policy.shouldPublish(HealthStatus.UNHEALTHY, HealthStatus.HEALTHY, NOW.minusSeconds(60), NOW),
                "recovery");
        assertFalse(policy.shouldPublish(HealthStatus.UNHEALTHY, HealthStatus.UNHEALTHY,
                NOW.minus(Duration.ofHours(3)), NOW), "no storm");
        assertTrue(policy.shouldPublish(HealthStatus.UNHEALTHY, HealthStatus.UNHEALTHY,
                NOW.minus(Duration.ofHours(24)), NOW), "reminder");
        assertFalse(policy.shouldPublish(HealthStatus.DEGRADED, HealthStatus.DEGRADED,
                NOW.minus(Duration.ofDays(3)), NOW));
    }

    @Test
    void thresholdsMustBeCoherent() {
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(Duration.ofHours(50), Duration.ofHours(48),
                Duration.ofHours(24), Duration.ofHours(48), 21, Duration.ofHours(24)));
    }
}
