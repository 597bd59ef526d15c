package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.verifier.CustomerAccount.ExportState;
import dev.costlink.verifier.CustomerAccount.LatestRun;
import dev.costlink.verifier.CustomerAccount.ReportState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionVerifierTest {
    private final FakeCustomerAccount account = new FakeCustomerAccount();
    private final ConnectionVerifier verifier = new ConnectionVerifier(account, Thresholds.DEFAULT);

    private Map<String, Check.Result> results(BillingFacts b) {
        Map<String, Check.Result> out = new LinkedHashMap<>();
        for (Check c : verifier.verify(Fixtures.connection(b), DeliveryReports.UNKNOWN, NOW)) {
            out.put(c.name(), c.result());
        }
        return out;
    }

    private void freshCur2(String export) {
        account.put("reports/cur2/" + export + "/metadata/BILLING_PERIOD=2026-06/" + export + "-Manifest.json",
                NOW.minus(Duration.ofHours(3)));
    }

    private static ExportState healthy(String name) {
        return new ExportState(name, "HEALTHY", null, null, NOW, new LatestRun("DELIVERY_SUCCESS", null, false));
    }

    @Test
    void aRefusedRoleIsTheOnlyCheck() {
        account.refusal = "AccessDenied: not authorized";
        List<Check> checks = verifier.verify(Fixtures.connection(Fixtures.cur2("X")), DeliveryReports.UNKNOWN, NOW);
        assertEquals(1, checks.size());
        assertEquals(Check.Result.FAIL, checks.get(0).result());
        assertTrue(checks.get(0).detail().contains("AccessDenied: not authorized") && checks.get(0).detail()
                .contains("update the connection stack with the tenant's ExternalId"), checks.get(0).detail());
    }

    @Test
    void aLinkedAccountHasNothingButTheRole() {
        assertEquals(Map.of("assume-role", Check.Result.PASS), results(BillingFacts.NONE));
    }

    @Test
    void aHealthyCur2ConnectionInItsFixedOrder() {
        freshCur2("X");
        account.exports.put("X", healthy("X"));
        assertEquals(List.of("assume-role", "cur-freshness", "cur-export"), List.copyOf(results(Fixtures.cur2("X")).keySet()));
        assertTrue(results(Fixtures.cur2("X")).values().stream().allMatch(r -> r == Check.Result.PASS));
    }

    @Test
    void anExportKnownByArnOnlyIsCheckedButItsDeliveriesCannotBeLocated() {
        BillingFacts b = Fixtures.facts("b", "CUR2", "reports/cur2", new ExportRef(null, "arn:x"), null, ExportRef.NONE);
        account.exports.put("arn:x", healthy("X"));
        assertEquals(Map.of("assume-role", Check.Result.PASS, "cur-freshness", Check.Result.WARN,
                "cur-export", Check.Result.PASS), results(b));
    }

    @Test
    void noExportAtAllWarnsThatDeliveriesCannotBeLocated() {
        BillingFacts b = Fixtures.facts("b", "CUR2", "reports/cur2", ExportRef.NONE, null, ExportRef.NONE);
        List<Check> checks = verifier.verify(Fixtures.connection(b), DeliveryReports.UNKNOWN, NOW);
        assertEquals(2, checks.size());
        assertEquals(Check.Result.WARN, checks.get(1).result());
        assertTrue(checks.get(1).detail().contains("cannot be located"), checks.get(1).detail());
    }

    @Test
    void aMissingExportFails() {
        freshCur2("X");
        List<Check> checks = verifier.verify(Fixtures.connection(Fixtures.cur2("X")), DeliveryReports.UNKNOWN, NOW);
        assertEquals(Check.Result.FAIL, checks.get(2).result());
        assertTrue(checks.get(2).detail().startsWith("Export X does not exist"), checks.get(2).detail());
    }

    @Test
    void aDeniedBucketIsOneFailureAndTheExportsAreStillChecked() {
        account.bucketDenied = true;
        account.exports.put("X", healthy("X"));
        BillingFacts b = Fixtures.facts("b", "CUR2", "reports/cur2", new ExportRef("X", null), "reports/carbon",
                new ExportRef("C", null));
        account.exports.put("C", healthy("C"));
        assertEquals(List.of("assume-role", "bucket-access", "cur-export", "carbon-export"),
                List.copyOf(results(b).keySet()));
        assertEquals(Check.Result.FAIL, results(b).get("bucket-access"));
    }

    @Test
    void carbonIsCheckedWhenItsPrefixAndExportAreKnown() {
        freshCur2("X");
        account.exports.put("X", healthy("X"));
        account.exports.put("C", healthy("C"));
        account.put("reports/carbon/C/metadata/usage_period=2026-05/C-Manifest.json", NOW);
        BillingFacts b = Fixtures.facts("b", "CUR2", "reports/cur2", new ExportRef("X", null), "reports/carbon",
                new ExportRef("C", null));
        assertEquals(Map.of("assume-role", Check.Result.PASS, "cur-freshness", Check.Result.PASS,
                "carbon-month", Check.Result.PASS, "cur-export", Check.Result.PASS, "carbon-export", Check.Result.PASS),
                results(b));
        BillingFacts unnamed = Fixtures.facts("b", "CUR2", "reports/cur2", new ExportRef("X", null), "reports/carbon",
                ExportRef.NONE);
        assertEquals(Check.Result.WARN, results(unnamed).get("carbon-month"));
        assertTrue(!results(unnamed).containsKey("carbon-export"));
    }

    @Test
    void cur1ChecksTheReportInsteadOfAnExport() {
        BillingFacts b = Fixtures.facts("b", "CUR1", "reports/cur1", new ExportRef("R", null), null, ExportRef.NONE);
        account.put("reports/cur1/R/20260601-20260701/R-Manifest.json", NOW.minus(Duration.ofHours(2)));
        account.reports.put("R", new ReportState("SUCCESS"));
        assertEquals(Map.of("assume-role", Check.Result.PASS, "cur-freshness", Check.Result.PASS,
                "cur-report", Check.Result.PASS), results(b));
        account.reports.clear();
        assertEquals(Check.Result.FAIL, results(b).get("cur-report"));
        BillingFacts unnamed = Fixtures.facts("b", "CUR1", "reports/cur1", ExportRef.NONE, null, ExportRef.NONE);
        assertEquals(Map.of("assume-role", Check.Result.PASS, "cur-freshness", Check.Result.WARN), results(unnamed));
    }

    @Test
    void theRoleIsAssumedWithTheTenantsExternalIdOnce() {
        results(BillingFacts.NONE);
        assertEquals(1, account.assumed);
    }
}
