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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every branch of the check rules, at their boundaries. */
class CheckRulesTest {
    private final FreshnessCheck freshness = new FreshnessCheck(Thresholds.DEFAULT);

    private Check cur(Instant registeredAt, Instant newest, Instant now) {
        return freshness.deliveries(FreshnessCheck.Subject.cur(new ExportRef("X", null)), registeredAt, null,
                Fixtures.deliveredAt(newest), now);
    }

    private Check carbon(java.time.YearMonth newest, Instant now) {
        return freshness.carbon(now.minus(Duration.ofDays(60)), null, newest, now);
    }

    private static final Instant LONG_AGO = NOW.minus(Duration.ofDays(60));

    private static Instant hoursAgo(long h) {
        return NOW.minus(Duration.ofHours(h));
    }

    @Test
    void curBoundariesAreInclusiveOfTheThresholdItself() {
        assertEquals(Check.Result.PASS, cur(hoursAgo(24), null, NOW).result(), "exactly the grace");
        assertEquals(Check.State.LATE, cur(hoursAgo(24).minusSeconds(1), null, NOW).state(), "late, not yet missing");
        assertEquals(Check.Result.WARN, cur(hoursAgo(48), null, NOW).result(), "no first delivery: exactly 48 h");
        assertEquals(Check.State.MISSING, cur(hoursAgo(48).minusSeconds(1), null, NOW).state());
        assertEquals(Check.Result.PASS, cur(LONG_AGO, hoursAgo(36), NOW).result(), "exactly 36 h");
        assertEquals(Check.Result.WARN, cur(LONG_AGO, hoursAgo(36).minusSeconds(1), NOW).result());
        assertEquals(Check.Result.WARN, cur(LONG_AGO, hoursAgo(48), NOW).result(), "exactly 48 h");
        Check alert = cur(LONG_AGO, hoursAgo(48).minusSeconds(1), NOW);
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
        assertEquals(Check.Result.WARN, carbon(YearMonth.of(2026, 4), the21st).result());
        assertEquals(Check.Result.PASS, carbon(YearMonth.of(2026, 4), the20th).result());
        assertEquals(Check.Result.WARN, carbon(YearMonth.of(2026, 3), the20th).result());
        assertEquals(Check.Result.PASS, carbon(YearMonth.of(2026, 6), the21st).result(), "ahead is fine");
        assertTrue(carbon(null, the21st).detail().contains("newest month seen: none"));
        assertEquals(Check.Result.PASS, carbon(YearMonth.of(2025, 11), Instant.parse("2026-01-05T00:00:00Z"))
                .result(), "across a year");
    }

    @Test
    void exportStatusBranches() {
        Check unhealthy = ExportStatusCheck.of("cur-export", "X", "UNHEALTHY", null, null, null, null);
        assertEquals(Check.Result.FAIL, unhealthy.result());
        assertTrue(unhealthy.detail().contains("(no reason given)") && unhealthy.detail().contains("AWS gave no reason"),
                unhealthy.detail());
        assertTrue(ExportStatusCheck.of("cur-export", "X", "UNHEALTHY", "BILL_OWNER_CHANGED", null, null, null).detail()
                .contains("bill owner changed"));
        Check queryFailure = ExportStatusCheck.of("carbon-export", "C", "HEALTHY", null, "QUERY_FAILURE", " ", null);
        assertEquals(Check.Result.FAIL, queryFailure.result());
        assertTrue(queryFailure.detail().contains("QUERY_FAILURE (no reason given)"), queryFailure.detail());
        Check inProgress = ExportStatusCheck.of("cur-export", "X", "HEALTHY", null, "QUERY_IN_PROCESS", null, NOW);
        assertEquals(Check.Result.PASS, inProgress.result());
        assertEquals("Export X is HEALTHY, last refreshed " + NOW + "; latest run QUERY_IN_PROCESS.", inProgress.detail());
        assertEquals("Export X is HEALTHY.", ExportStatusCheck.of("cur-export", "X", "HEALTHY", null, null, null, null).detail());
    }

    @Test
    void exportStateSaysWhenItsLatestRunIsTheNewestOfThoseRead() {
        Check partial = ExportStatusCheck.of("cur-export", new ExportState("X", "HEALTHY", null, null, null,
                new LatestRun("DELIVERY_SUCCESS", null, true)));
        assertEquals(Check.Result.PASS, partial.result());
        assertTrue(partial.detail().endsWith("the latest run is the newest of those read.)"), partial.detail());
        Check none = ExportStatusCheck.of("cur-export", new ExportState("X", "HEALTHY", null, null, null, null));
        assertEquals("Export X is HEALTHY.", none.detail());
        Check failed = ExportStatusCheck.of("cur-export", new ExportState("X", "HEALTHY", null, null, null,
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
                Duration.ofHours(24), Duration.ofHours(48), 0, Duration.ofHours(24)));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(Duration.ofHours(36), Duration.ofHours(48),
                Duration.ofHours(24), Duration.ofHours(48), 29, Duration.ofHours(24)));
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
        assertFalse(Fixtures.facts("b", null, null, ExportRef.NONE, null, ExportRef.NONE).hasBucket());
        assertTrue(Fixtures.facts("b", "CUR1", "p", ExportRef.NONE, null, ExportRef.NONE).legacyCur());
        assertFalse(Fixtures.facts("b", null, "p", ExportRef.NONE, null, ExportRef.NONE).legacyCur(), "CUR2 by default");
        assertFalse(Fixtures.TENANT.toString().contains(Fixtures.TENANT.externalId()), "never prints the ExternalId");
    }

    @Test
    void aStatesSeverityIsTheChecksResult() {
        assertThrows(IllegalArgumentException.class, () -> new Check("x", Check.Result.PASS, Check.State.MISSING, ""));
        assertEquals(Check.Result.WARN, Check.of("x", Check.State.LATE, "").result());
        assertEquals(Check.Result.PASS, Check.of("x", Check.State.PENDING_FIRST, "").result());
        assertEquals(null, Check.fail("x", "").state(), "a check without a state");
        assertEquals(Check.State.INVALID, Check.of("x", Check.State.INVALID, "a").withMore("b").state());
    }

    @Test
    void theDetectorsRecordsAreMatchedToTheConnectionsOwnExports() {
        ReportedDelivery cur = new ReportedDelivery("CUR2", "X", Map.of("type", "delivery.completed"), NOW, List.of());
        ReportedDelivery otherCur = new ReportedDelivery("CUR2", "Old", Map.of("type", "delivery.invalid"), null,
                List.of());
        ReportedDelivery focus = new ReportedDelivery("FOCUS", "F", Map.of("type", "delivery.invalid"), null, List.of());
        ReportedDelivery carbon = new ReportedDelivery("CARBON", "C", Map.of("type", "delivery.completed"), NOW,
                List.of());
        DeliveryReports all = new DeliveryReports(List.of(cur, otherCur, focus, carbon));
        assertEquals(List.of(cur), all.of(Fixtures.cur2("X")), "another export's record is not this connection's");
        assertEquals(List.of(cur, focus), all.of(Fixtures.withFocus(Fixtures.cur2("X"), new BillingFacts.Feed("p",
                new ExportRef("F", null)))));
        assertEquals(List.of(), all.of(Fixtures.cur("b", "CUR1", "p", new ExportRef("X", null))), "by version too");
        assertEquals(List.of(), DeliveryReports.UNKNOWN.of(Fixtures.cur2("X")));
        assertEquals(null, DeliveryReports.UNKNOWN.newestValidCurAt());
    }
}
