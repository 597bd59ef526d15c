package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliveryLocatorTest {
    private final FakeCustomerAccount account = new FakeCustomerAccount();

    private static Instant hoursAgo(long h) {
        return NOW.minus(Duration.ofHours(h));
    }

    /** When the newest CUR manifest was written; empty when none. */
    private Optional<Instant> newestCur(BillingFacts b) throws Exception {
        return DeliveryLocator.newestCur(account.assume("r", "e"), b).map(DeliveryLocator.Delivered::at);
    }

    private Optional<YearMonth> newestCarbon(BillingFacts b) throws Exception {
        return DeliveryLocator.newestCarbonMonth(account.assume("r", "e"), b);
    }

    private static BillingFacts carbon(String prefix) {
        return Fixtures.facts("b", "CUR2", "reports/cur2", new ExportRef("X", null), prefix,
                new ExportRef("C", null));
    }

    private static BillingFacts cur1(String report) {
        return Fixtures.facts("b", "CUR1", "reports/cur1", new ExportRef(report, null), null, ExportRef.NONE);
    }

    @Test
    void cur2TakesTheTwoNewestBillingPeriodsManifestsAndNeverListsData() throws Exception {
        account.put("reports/cur2/X/metadata/BILLING_PERIOD=2026-04/X-Manifest.json", hoursAgo(1))
                .put("reports/cur2/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json", hoursAgo(300))
                .put("reports/cur2/X/metadata/BILLING_PERIOD=2026-06/X-Manifest.json", hoursAgo(5))
                .put("reports/cur2/X/data/BILLING_PERIOD=2026-06/X-00001.snappy.parquet", hoursAgo(1))
                .put("reports/cur2/Other/metadata/BILLING_PERIOD=2026-07/Other-Manifest.json", hoursAgo(0));
        assertEquals(Optional.of(hoursAgo(5)), newestCur(Fixtures.cur2("X")), "2026-04 is older than the two newest");
        assertEquals(List.of("reports/cur2/X/metadata/", "reports/cur2/X/metadata/BILLING_PERIOD=2026-06/",
                "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/"), account.listed);
        assertTrue(account.listed.stream().allMatch(p -> p.startsWith("reports/cur2/X/metadata/")), account.listed::toString);
    }

    @Test
    void cur2CreateNewModeHasOneManifestPerRunAndTheNewestCounts() throws Exception {
        account.put("reports/cur2/X/metadata/BILLING_PERIOD=2026-06/2026-06-01T00:00:00.000Z-a/X-Manifest.json", hoursAgo(90))
                .put("reports/cur2/X/metadata/BILLING_PERIOD=2026-06/2026-06-24T23:48:02.356Z-b/X-Manifest.json", hoursAgo(12))
                .put("reports/cur2/X/metadata/BILLING_PERIOD=2026-06/X-Manifest.json", hoursAgo(13))
                .put("reports/cur2/X/metadata/BILLING_PERIOD=2026-06/notes.json", hoursAgo(1));
        assertEquals(Optional.of(hoursAgo(12)), newestCur(Fixtures.cur2("X")), "other metadata files are no manifests");
    }

    @Test
    void cur2PeriodFoldersInAnyCaseAndImpossibleMonthsIgnored() throws Exception {
        account.put("reports/cur2/X/metadata/billing_period=2026-06/X-Manifest.json", hoursAgo(7))
                .put("reports/cur2/X/metadata/BILLING_PERIOD=2026-13/X-Manifest.json", hoursAgo(1))
                .put("reports/cur2/X/metadata/something-else/X-Manifest.json", hoursAgo(1));
        assertEquals(Optional.of(hoursAgo(7)), newestCur(Fixtures.cur2("X")));
    }

    @Test
    void noMetadataIsNoDelivery() throws Exception {
        account.put("reports/cur2/X/data/BILLING_PERIOD=2026-06/X-00001.snappy.parquet", hoursAgo(1));
        assertEquals(Optional.empty(), newestCur(Fixtures.cur2("X")));
    }

    @Test
    void prefixesWithATrailingSlashOrNoneAtAll() throws Exception {
        account.put("X/metadata/BILLING_PERIOD=2026-06/X-Manifest.json", hoursAgo(3))
                .put("p/X/metadata/BILLING_PERIOD=2026-06/X-Manifest.json", hoursAgo(4));
        BillingFacts root = Fixtures.facts("b", null, "", new ExportRef("X", null), null, ExportRef.NONE);
        assertEquals(Optional.of(hoursAgo(3)), newestCur(root), "an empty prefix is the bucket's root; no version is CUR2");
        BillingFacts slash = Fixtures.facts("b", "CUR2", "p//", new ExportRef("X", null), null, ExportRef.NONE);
        assertEquals(Optional.of(hoursAgo(4)), newestCur(slash));
    }

    @Test
    void cur1ReadsTheNewestDateRangeFolder() throws Exception {
        account.put("reports/cur1/R/20260501-20260601/R-Manifest.json", hoursAgo(400))
                .put("reports/cur1/R/20260601-20260701/R-Manifest.json", hoursAgo(20))
                .put("reports/cur1/R/20260601-20260701/0a1b/R-Manifest.json", hoursAgo(19))
                .put("reports/cur1/R/cost_and_usage_data_status/status.parquet", hoursAgo(1));
        assertEquals(Optional.of(hoursAgo(19)), newestCur(cur1("R")));
    }

    @Test
    void cur1ReadsTheNewestYearAndMonthFolderOfTheOtherLayout() throws Exception {
        account.put("reports/cur1/R/R/year=2025/month=12/R-Manifest.json", hoursAgo(4000))
                .put("reports/cur1/R/R/year=2026/month=9/R-Manifest.json", hoursAgo(30))
                .put("reports/cur1/R/R/year=2026/month=10/R-Manifest.json", hoursAgo(6))
                .put("reports/cur1/R/R/year=2026/month=10/R-00001.snappy.parquet", hoursAgo(2));
        assertEquals(Optional.of(hoursAgo(6)), newestCur(cur1("R")), "month 10 after month 9; data files are no manifests");
        assertTrue(account.listed.contains("reports/cur1/R/R/year=2026/month=10/R-Manifest.json"),
                "only the manifest's own key is listed in a folder that holds data: " + account.listed);
    }

    @Test
    void cur1TakesTheNewerOfBothLayouts() throws Exception {
        account.put("reports/cur1/R/20260601-20260701/R-Manifest.json", hoursAgo(8))
                .put("reports/cur1/R/R/year=2026/month=6/R-Manifest.json", hoursAgo(9));
        assertEquals(Optional.of(hoursAgo(8)), newestCur(cur1("R")));
        account.put("reports/cur1/R/R/year=2026/month=6/R-Manifest.json", hoursAgo(2));
        assertEquals(Optional.of(hoursAgo(2)), newestCur(cur1("R")));
        assertEquals(Optional.empty(), newestCur(cur1("Missing")));
    }

    @Test
    void carbonMonthsComeFromFolderNamesDirectOrBelowAModelVersion() throws Exception {
        account.put("reports/carbon-footprint/C/metadata/usage_period=2026-03/C-Manifest.json", hoursAgo(1))
                .put("reports/carbon-footprint/C/metadata/model_version=v2/usage_period=2026-04/C-Manifest.json", hoursAgo(1))
                .put("reports/carbon-footprint/C/metadata/carbon_model_version=v3.0.0/usage_period=2026-05/C-Manifest.json",
                        hoursAgo(1))
                .put("reports/carbon-footprint/C/metadata/carbon_model_version=v3.0.0/usage_period=2026-99/C-Manifest.json",
                        hoursAgo(1))
                .put("reports/carbon-footprint/C/data/usage_period=2026-12/C-00001.snappy.parquet", hoursAgo(1));
        assertEquals(Optional.of(YearMonth.of(2026, 5)), newestCarbon(carbon("reports/carbon-footprint")));
        assertTrue(account.listed.stream().allMatch(p -> p.contains("/metadata/")), account.listed::toString);
        assertEquals(Optional.empty(), newestCarbon(carbon("elsewhere")));
    }

    @Test
    void aDeniedListingIsBucketDenied() {
        account.bucketDenied = true;
        org.junit.jupiter.api.Assertions.assertThrows(CustomerAccount.BucketDenied.class,
                () -> newestCur(Fixtures.cur2("X")));
        org.junit.jupiter.api.Assertions.assertThrows(CustomerAccount.BucketDenied.class,
                () -> newestCarbon(carbon("reports/carbon-footprint")));
    }

    @Test
    void cur1InJanuaryAlsoReadsDecemberOfTheYearBefore() throws Exception {
        account.put("reports/cur1/R/R/year=2026/month=11/R-Manifest.json", hoursAgo(1))
                .put("reports/cur1/R/R/year=2026/month=12/R-Manifest.json", hoursAgo(3))
                .put("reports/cur1/R/R/year=2027/month=1/R-Manifest.json", hoursAgo(50));
        Optional<DeliveryLocator.Delivered> d = DeliveryLocator.newestCur(account.assume("r", "e"), cur1("R"));
        assertEquals(Optional.of(new DeliveryLocator.Delivered(YearMonth.of(2027, 1), hoursAgo(3))), d,
                "December's final charges are the newest delivery; November is older than the two newest");
    }

    @Test
    void cur1DateRangesGiveTheirStartMonth() throws Exception {
        account.put("reports/cur1/R/20261201-20270101/R-Manifest.json", hoursAgo(2))
                .put("reports/cur1/R/20270101-20270201/R-Manifest.json", hoursAgo(20));
        assertEquals(Optional.of(new DeliveryLocator.Delivered(YearMonth.of(2027, 1), hoursAgo(2))),
                DeliveryLocator.newestCur(account.assume("r", "e"), cur1("R")));
    }

    @Test
    void focusReadsItsOwnPrefixInEitherCase() throws Exception {
        BillingFacts b = Fixtures.withFocus(Fixtures.cur2("X"), new BillingFacts.Feed("reports/focus",
                new ExportRef("F", null)));
        account.put("reports/focus/F/metadata/billing_period=2026-05/F-Manifest.json", hoursAgo(30))
                .put("reports/focus/F/metadata/BILLING_PERIOD=2026-06/F-Manifest.json", hoursAgo(4))
                .put("reports/cur2/X/metadata/BILLING_PERIOD=2026-06/X-Manifest.json", hoursAgo(1));
        assertEquals(Optional.of(new DeliveryLocator.Delivered(YearMonth.of(2026, 6), hoursAgo(4))),
                DeliveryLocator.newestFocus(account.assume("r", "e"), b));
        assertTrue(account.listed.stream().allMatch(p -> p.startsWith("reports/focus/F/metadata/")),
                account.listed::toString);
    }
}
