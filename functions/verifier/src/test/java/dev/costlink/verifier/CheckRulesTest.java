package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.verifier.CustomerAccount.ExportState;
import dev.costlink.verifier.CustomerAccount.LatestRun;
import dev.costlink.verifier.CustomerAccount.ReportState;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every branch of the check rules, at their boundaries. */
class CheckRulesTest {
    private final FreshnessCheck freshness = new FreshnessCheck(Thresholds.DEFAULT);
    private static final Instant LONG_AGO = NOW.minus(Duration.ofDays(60));

    private static Instant hoursAgo(long h) {
        return NOW.minus(Duration.ofHours(h));
    }

    @Test
    void curBoundariesAreInclusiveOfTheThresholdItself() {
        assertEquals(Check.Result.PASS, freshness.cur(hoursAgo(24), null, NOW).result(), "exactly the grace");
        assertEquals(Check.Result.FAIL, freshness.cur(hoursAgo(24).minusSeconds(1), null, NOW).result());
        assertEquals(Check.Result.PASS, freshness.cur(LONG_AGO, hoursAgo(36), NOW).result(), "exactly 36 h");
        assertEquals(Check.Result.WARN, freshness.cur(LONG_AGO, hoursAgo(36).minusSeconds(1), NOW).result());
        assertEquals(Check.Result.WARN, freshness.cur(LONG_AGO, hoursAgo(48), NOW).result(), "exactly 48 h");
        Check alert = freshness.cur(LONG_AGO, hoursAgo(48).minusSeconds(1), NOW);
        assertEquals(Check.Result.FAIL, alert.result());
        assertTrue(alert.detail().contains("deliveries have stopped"), alert.detail());
    }

    @Test
    void unlocatedDeliveriesWarnAndSaySo() {
        assertEquals(Check.Result.WARN, freshness.curUnlocated().result());
        assertEquals("cur-freshness", freshness.curUnlocated().name());
        assertEquals("carbon-month", freshness.carbonUnlocated().name());
        assertTrue(freshness.carbonUnlocated().detail().contains("carbon export"));
    }

    @Test
    void carbonDueDayIsTheFirstDayLastMonthIsDue() {
        Instant the21st = Instant.parse("2026-06-21T00:00:00Z");
        Instant the20th = Instant.parse("2026-06-20T23:59:59Z");
        assertEquals(Check.Result.WARN, freshness.carbon(YearMonth.of(2026, 4), the21st).result());
        assertEquals(Check.Result.PASS, freshness.carbon(YearMonth.of(2026, 4), the20th).result());
        assertEquals(Check.Result.WARN, freshness.carbon(YearMonth.of(2026, 3), the20th).result());
        assertEquals(Check.Result.PASS, freshness.carbon(YearMonth.of(2026, 6), the21st).result(), "ahead is fine");
        assertTrue(freshness.carbon(null, the21st).detail().contains("newest month seen: none"));
        assertEquals(Check.Result.PASS, freshness.carbon(YearMonth.of(2025, 11), Instant.parse("2026-01-05T00:00:00Z"))
                .result(), "across a year");
    }

    @Test
    void exportStatusBranches() {
        Check unhealthy = ExportStatusCheck.of("cur-export", "X", "UNHEALTHY", null, null, null);
        assertEquals(Check.Result.FAIL, unhealthy.result());
        assertTrue(unhealthy.detail().contains("(no reason given)") && unhealthy.detail().contains("internal failure"));
        assertTrue(ExportStatusCheck.of("cur-export", "X", "UNHEALTHY", "BILL_OWNER_CHANGED", null, null).detail()
                .contains("bill owner changed"));
        Check queryFailure = ExportStatusCheck.of("carbon-export", "C", "HEALTHY", null, "QUERY_FAILURE", " ");
        assertEquals(Check.Result.FAIL, queryFailure.result());
        assertTrue(queryFailure.detail().contains("QUERY_FAILURE (no reason given)"), queryFailure.detail());
        Check inProgress = ExportStatusCheck.of("cur-export", "X", "HEALTHY", null, "QUERY_IN_PROCESS", null, NOW);
        assertEquals(Check.Result.PASS, inProgress.result());
        assertEquals("Export X is HEALTHY, last refreshed " + NOW + "; latest run QUERY_IN_PROCESS.", inProgress.detail());
        assertEquals("Export X is HEALTHY.", ExportStatusCheck.of("cur-export", "X", "HEALTHY", null, null, null).detail());
    }

    @Test
    void exportStateSaysWhenItsLatestRunIsTheNewestOfThoseRead() {
        Check partial = ExportStatusCheck.of("cur-export", new ExportState("X", "HEALTHY", null, null,
                new LatestRun("DELIVERY_SUCCESS", null, true)));
        assertEquals(Check.Result.PASS, partial.result());
        assertTrue(partial.detail().endsWith("the latest run is the newest of those read.)"), partial.detail());
        Check none = ExportStatusCheck.of("cur-export", new ExportState("X", "HEALTHY", null, null, null));
        assertEquals("Export X is HEALTHY.", none.detail());
        Check failed = ExportStatusCheck.of("cur-export", new ExportState("X", "HEALTHY", null, null,
                new LatestRun("DELIVERY_FAILURE", "INSUFFICIENT_PERMISSION", false)));
        assertEquals(Check.Result.FAIL, failed.result());
        assertTrue(failed.detail().contains("bcm-data-exports.amazonaws.com"), failed.detail());
    }

    @Test
    void legacyReportBranches() {
        assertEquals(Check.Result.FAIL, ExportStatusCheck.legacyReport("R", Optional.empty()).result());
        Check permissions = ExportStatusCheck.legacyReport("R", Optional.of(new ReportState("ERROR_PERMISSIONS")));
        assertEquals(Check.Result.FAIL, permissions.result());
        assertTrue(permissions.detail().contains("billingreports.amazonaws.com"));
        Check noBucket = ExportStatusCheck.legacyReport("R", Optional.of(new ReportState("ERROR_NO_BUCKET")));
        assertTrue(noBucket.result() == Check.Result.FAIL && noBucket.detail().contains("no longer exists"));
        assertEquals("CUR 1.0 report R exists; no delivery yet.",
                ExportStatusCheck.legacyReport("R", Optional.of(new ReportState(null))).detail());
        assertEquals("CUR 1.0 report R last delivered with status SUCCESS.",
                ExportStatusCheck.legacyReport("R", Optional.of(new ReportState("SUCCESS"))).detail());
    }

    @Test
    void alertPolicyEveryBranch() {
        AlertPolicy p = new AlertPolicy(Duration.ofHours(24));
        assertTrue(p.shouldPublish(null, HealthStatus.UNHEALTHY, null, NOW), "first check");
        assertTrue(p.shouldPublish(HealthStatus.HEALTHY, HealthStatus.DEGRADED, NOW, NOW), "change");
        assertFalse(p.shouldPublish(HealthStatus.HEALTHY, HealthStatus.HEALTHY, null, NOW));
        assertFalse(p.shouldPublish(HealthStatus.DEGRADED, HealthStatus.DEGRADED, LONG_AGO, NOW));
        assertTrue(p.shouldPublish(HealthStatus.UNHEALTHY, HealthStatus.UNHEALTHY, null, NOW), "never published");
        assertFalse(p.shouldPublish(HealthStatus.UNHEALTHY, HealthStatus.UNHEALTHY, hoursAgo(24).plusSeconds(1), NOW));
        assertTrue(p.shouldPublish(HealthStatus.UNHEALTHY, HealthStatus.UNHEALTHY, hoursAgo(24), NOW), "exactly 24 h");
        assertTrue(p.shouldPublish(HealthStatus.UNHEALTHY, HealthStatus.UNHEALTHY, LONG_AGO, NOW));
    }

    @Test
    void healthStatusIsTheWorstResult() {
        assertEquals(HealthStatus.HEALTHY, HealthStatus.of(List.of()));
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(Check.warn("a", ""))));
        assertEquals(HealthStatus.UNHEALTHY, HealthStatus.of(List.of(Check.fail("a", ""), Check.pass("b", ""))));
    }

    @Test
    void thresholdsRefuseAnImpossibleCarbonDay() {
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(Duration.ofHours(36), Duration.ofHours(48),
                Duration.ofHours(24), 0, Duration.ofHours(24)));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(Duration.ofHours(36), Duration.ofHours(48),
                Duration.ofHours(24), 29, Duration.ofHours(24)));
    }

    @Test
    void healthStateKnowsWhatIsAlreadyChecked() {
        assertFalse(HealthState.NEVER_CHECKED.checkedSince(NOW));
        HealthState checked = new HealthState(HealthStatus.HEALTHY, NOW, null, null);
        assertTrue(checked.checkedSince(NOW));
        assertTrue(checked.checkedSince(NOW.minusSeconds(1)));
        assertTrue(checked.checkedSince(NOW.plusMillis(500)), "the registry keeps seconds");
        assertFalse(checked.checkedSince(NOW.plusSeconds(1)));
    }

    @Test
    void exportRefsAndFacts() {
        assertFalse(ExportRef.NONE.isKnown());
        assertEquals("n", new ExportRef("n", "a").label());
        assertEquals("a", new ExportRef(null, "a").label());
        assertFalse(BillingFacts.NONE.hasBucket());
        assertFalse(new BillingFacts("b", null, null, ExportRef.NONE, null, ExportRef.NONE).hasBucket());
        assertTrue(new BillingFacts("b", "CUR1", "p", ExportRef.NONE, null, ExportRef.NONE).legacyCur());
        assertFalse(new BillingFacts("b", null, "p", ExportRef.NONE, null, ExportRef.NONE).legacyCur(), "CUR2 by default");
        assertFalse(Fixtures.TENANT.toString().contains(Fixtures.TENANT.externalId()), "never prints the ExternalId");
    }
}
