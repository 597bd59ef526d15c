package dev.costlink.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A delivery's manifest and files against an in-memory bucket: every outcome the event reports. */
class DeliveryValidatorTest {
    static final String BUCKET = "acme-costlink-cur";
    static final String ROOT = "reports/cur2/X/";
    static final String MANIFEST = ROOT + "metadata/BILLING_PERIOD=2026-05/X-Manifest.json";
    static final DeliveryRef CUR2 = new DeliveryRef(DeliveryKind.CUR2, BUCKET, MANIFEST, "X", "2026-05", ROOT);
    static final List<String> COLUMNS = List.of("identity_line_item_id", "line_item_usage_account_id",
            "line_item_unblended_cost", "product", "resource_tags");

    final MemoryStore store = new MemoryStore();

    static String dataKey(int i) {
        return ROOT + "data/BILLING_PERIOD=2026-05/X-0000" + i + ".snappy.parquet";
    }

    static byte[] manifest(List<String> columns, List<String> dataFiles) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("executionId", "0f6a4f3e-1c2b");
        m.put("exportArn", "arn:aws:bcm-data-exports:us-east-1:111122223333:export/X-6f1d2b9e");
        List<Map<String, Object>> cols = new ArrayList<>();
        for (String c : columns) {
            cols.add(Map.of("name", c, "type", "string"));
        }
        m.put("columns", cols);
        m.put("dataFiles", dataFiles);
        m.put("additionalOutputFiles", List.of());
        return Json.write(m);
    }

    /** {@code files} data files of {@code rows} rows each, all listed in the manifest. */
    List<String> delivery(int files, long rows) {
        List<String> uris = new ArrayList<>();
        for (int i = 1; i <= files; i++) {
            store.put(dataKey(i), ParquetBytes.of(COLUMNS, rows));
            uris.add("s3://" + BUCKET + "/" + dataKey(i));
        }
        store.put(MANIFEST, manifest(COLUMNS, uris));
        return uris;
    }

    DeliveryReport validate(DeliveryRef ref) {
        return new DeliveryValidator(store, 4).validate(ref);
    }

    static List<DeliveryReport.Problem> problems(String... fileThenProblem) {
        List<DeliveryReport.Problem> out = new ArrayList<>();
        for (int i = 0; i < fileThenProblem.length; i += 2) {
            out.add(new DeliveryReport.Problem(fileThenProblem[i], fileThenProblem[i + 1]));
        }
        return out;
    }

    @Test
    void aSoundDelivery() {
        delivery(3, 7);
        DeliveryReport r = validate(CUR2);
        assertEquals(List.of(), r.problems());
        assertTrue(r.valid());
        assertEquals(3, r.fileCount());
        assertEquals(21L, r.totalRows());
        assertEquals(3L * store.objects.get(dataKey(1)).length, r.totalBytes());
        assertEquals("0f6a4f3e-1c2b", r.runId());
        assertEquals("arn:aws:bcm-data-exports:us-east-1:111122223333:export/X-6f1d2b9e", r.exportArn());
        assertEquals(MemoryStore.eTagOf(store.objects.get(MANIFEST)), r.manifestETag());
    }

    @Test
    void aListedFileMissing() {
        delivery(3, 1);
        store.objects.remove(dataKey(2));
        assertEquals(problems(dataKey(2), "listed in the manifest but missing from the bucket"), validate(CUR2).problems());
    }

    @Test
    void filesInAnotherBucketOrOutsideTheExportAreNeverRead() {
        List<String> uris = new ArrayList<>(delivery(1, 1));
        String foreign = "s3://other-bucket/" + dataKey(2);
        String outside = "s3://" + BUCKET + "/private/payroll.parquet";
        String escaping = "s3://" + BUCKET + "/" + ROOT + "data/../../../private/payroll.parquet";
        uris.addAll(List.of(foreign, outside, escaping, "reports/cur2/X/data/relative.parquet", "s3://" + BUCKET));
        store.put(MANIFEST, manifest(COLUMNS, uris));
        store.put("private/payroll.parquet", ParquetBytes.of(List.of("salary"), 1));
        long before = store.requests.get();
        DeliveryReport r = validate(CUR2);
        assertEquals(problems(
                foreign, "listed in another bucket (other-bucket): not read",
                outside, "outside the export's prefix " + ROOT + ": not read",
                escaping, "key has empty or dot segments: not read",
                "reports/cur2/X/data/relative.parquet", "not an s3:// URI: not read",
                "s3://" + BUCKET, "not an s3://bucket/key URI: not read"), r.problems());
        assertEquals(6, r.fileCount());
        assertEquals(before + 2, store.requests.get(), "the manifest and the one sound file only");
    }

    @Test
    void cur1KeysAreBucketRelativeAndTheManifestBucketCounts() {
        DeliveryRef cur1 = new DeliveryRef(DeliveryKind.CUR1, BUCKET, "reports/cur1/R/20260501-20260601/R-Manifest.json",
                "R", "2026-05", "reports/cur1/R/");
        String key = "reports/cur1/R/R/year=2026/month=5/R-00001.snappy.parquet";
        store.put(key, ParquetBytes.of(List.of("identity_line_item_id", "line_item_unblended_cost"), 5));
        String columns = "[{\"category\":\"identity\",\"name\":\"LineItemId\",\"type\":\"String\"},"
                + "{\"category\":\"lineItem\",\"name\":\"UnblendedCost\",\"type\":\"BigDecimal\"}]";
        store.put(cur1.manifestKey(), ("{\"assemblyId\":\"a1\",\"bucket\":\"" + BUCKET + "\",\"columns\":" + columns
                + ",\"reportKeys\":[\"" + key + "\"]}").getBytes(StandardCharsets.UTF_8));
        DeliveryReport r = validate(cur1);
        assertEquals(List.of(), r.problems());
        assertEquals(5L, r.totalRows());
        assertEquals("a1", r.runId());

        store.put(cur1.manifestKey(), ("{\"assemblyId\":\"a1\",\"bucket\":\"someone-else\",\"columns\":" + columns
                + ",\"reportKeys\":[\"" + key + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertEquals(problems(key, "listed in another bucket (someone-else): not read"), validate(cur1).problems());
    }

    static final DeliveryRef CUR1 = new DeliveryRef(DeliveryKind.CUR1, BUCKET,
            "reports/cur1/R/20260501-20260601/R-Manifest.json", "R", "2026-05", "reports/cur1/R/");
    static final String CUR1_KEY = "reports/cur1/R/R/year=2026/month=5/R-00001.snappy.parquet";
    /** category, name as AWS documents them, and the column as CUR 1.0 Parquet (Athena) spells it. */
    static final List<String[]> CUR1_COLUMNS = List.of(
            new String[] {"identity", "LineItemId", "identity_line_item_id"},
            new String[] {"bill", "BillingPeriodStartDate", "bill_billing_period_start_date"},
            new String[] {"lineItem", "UsageAccountId", "line_item_usage_account_id"},
            new String[] {"lineItem", "UnblendedCost", "line_item_unblended_cost"},
            new String[] {"product", "ProductName", "product_product_name"},
            new String[] {"savingsPlan", "SavingsPlanARN", "savings_plan_savings_plan_a_r_n"},
            new String[] {"resourceTags", "user:Name", "resource_tags_user_name"},
            new String[] {"resourceTags", "user:cost-center", "resource_tags_user_cost_center"},
            new String[] {"costCategory", "Business Unit", "cost_category_business_unit"});

    void cur1Delivery(boolean physicalNamesInManifest) {
        List<String> physical = CUR1_COLUMNS.stream().map(c -> c[2]).toList();
        store.put(CUR1_KEY, ParquetBytes.of(physical, 5));
        StringBuilder columns = new StringBuilder();
        for (String[] c : CUR1_COLUMNS) {
            columns.append(columns.isEmpty() ? "" : ",").append("{\"category\":\"").append(c[0]).append("\",\"name\":\"")
                    .append(physicalNamesInManifest ? c[2] : c[1]).append("\",\"type\":\"String\"}");
        }
        store.put(CUR1.manifestKey(), ("{\"assemblyId\":\"a1\",\"bucket\":\"" + BUCKET + "\",\"columns\":[" + columns
                + "],\"reportKeys\":[\"" + CUR1_KEY + "\"]}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void cur1ManifestColumnsAsAwsDocumentsThem() {
        cur1Delivery(false);
        assertEquals(List.of(), validate(CUR1).problems());
    }

    @Test
    void cur1ManifestColumnsAlreadyInTheFilesSpelling() {
        cur1Delivery(true);
        assertEquals(List.of(), validate(CUR1).problems());
    }

    @Test
    void cur1ColumnsMissingAreNamedAsTheFileWouldSpellThem() {
        cur1Delivery(false);
        store.put(CUR1_KEY, ParquetBytes.of(List.of("identity_line_item_id", "bill_billing_period_start_date",
                "line_item_usage_account_id", "line_item_unblended_cost", "product_product_name",
                "resource_tags_user_name", "resource_tags_user_cost_center", "cost_category_business_unit",
                "resource_tags_user_team"), 5));
        assertEquals(problems(CUR1_KEY, "columns differ from the manifest: missing 1 [savings_plan_savings_plan_a_r_n]; "
                + "unexpected 1 [resource_tags_user_team]"), validate(CUR1).problems());
    }

    @Test
    void spellingAloneNeverFailsADataExport() {
        List<String> camel = List.of("BilledCost", "ChargePeriodStart", "x_CostCategories");
        store.put(dataKey(1), ParquetBytes.of(List.of("billed_cost", "ChargePeriodStart", "x_cost_categories"), 2));
        store.put(MANIFEST, manifest(camel, List.of("s3://" + BUCKET + "/" + dataKey(1))));
        assertEquals(List.of(), validate(CUR2).problems());
    }

    /** A CUR 1.0 text report: text/csv + GZIP, keys under the assembly's folder, the CSV header as category/name. */
    void cur1TextDelivery(String compression, List<byte[]> files) {
        StringBuilder columns = new StringBuilder();
        StringBuilder keys = new StringBuilder();
        for (String[] c : CUR1_COLUMNS) {
            columns.append(columns.isEmpty() ? "" : ",").append("{\"category\":\"").append(c[0])
                    .append("\",\"name\":\"").append(c[1]).append("\",\"type\":\"String\"}");
        }
        for (int i = 0; i < files.size(); i++) {
            String key = "reports/cur1/R/20260501-20260601/a1/R-" + (i + 1) + (compression.equals("ZIP") ? ".csv.zip"
                    : ".csv.gz");
            store.put(key, files.get(i));
            keys.append(keys.isEmpty() ? "" : ",").append('"').append(key).append('"');
        }
        store.put(CUR1.manifestKey(), ("{\"assemblyId\":\"a1\",\"bucket\":\"" + BUCKET + "\",\"columns\":[" + columns
                + "],\"charset\":\"UTF-8\",\"compression\":\"" + compression + "\",\"contentType\":\"text/csv\","
                + "\"reportKeys\":[" + keys + "]}").getBytes(StandardCharsets.UTF_8));
    }

    static List<String> cur1CsvHeader() {
        return CUR1_COLUMNS.stream().map(c -> c[0] + "/" + c[1]).toList();
    }

    @Test
    void aCur1TextDeliveryIsValidatedAsGzipCsv() {
        byte[] small = TextFiles.gzip(TextFiles.csv(cur1CsvHeader(), 4, 0));
        cur1TextDelivery("GZIP", List.of(small, small));
        DeliveryReport r = validate(CUR1);
        assertEquals(List.of(), r.problems());
        assertEquals(DeliveryFormat.CSV_GZIP, r.format());
        assertEquals(8L, r.totalRows());
        assertEquals(2L * small.length, r.totalBytes());
    }

    @Test
    void aLargeTextFileLeavesTheDeliverysRowsUncounted() {
        byte[] large = TextFiles.gzip(TextFiles.csv(cur1CsvHeader(), 3000, 200));
        cur1TextDelivery("GZIP", List.of(TextFiles.gzip(TextFiles.csv(cur1CsvHeader(), 4, 0)), large));
        DeliveryReport r = validate(CUR1);
        assertEquals(List.of(), r.problems());
        assertEquals(null, r.totalRows());
        assertTrue(store.bytesRead() < 2L * CompressedCsv.HEAD_BYTES + 10_000, "read " + store.bytesRead());
    }

    @Test
    void aZipTextDelivery() {
        cur1TextDelivery("ZIP", List.of(TextFiles.zip(TextFiles.csv(cur1CsvHeader(), 2, 0), "R-1.csv")));
        DeliveryReport r = validate(CUR1);
        assertEquals(List.of(), r.problems());
        assertEquals(DeliveryFormat.CSV_ZIP, r.format());
    }

    @Test
    void aTextFileThatIsNotWhatTheManifestSaysIsNamed() {
        cur1TextDelivery("GZIP", List.of(TextFiles.gzip(TextFiles.csv(cur1CsvHeader(), 1, 0)),
                ParquetBytes.of(List.of("identity_line_item_id"), 1)));
        assertEquals(problems("reports/cur1/R/20260501-20260601/a1/R-2.csv.gz",
                "not a GZIP file: its content is Parquet (the delivery is csv-gzip)"), validate(CUR1).problems());
    }

    @Test
    void aTextHeaderThatDiffersFromTheManifest() {
        List<String> header = new ArrayList<>(cur1CsvHeader());
        header.remove("lineItem/UnblendedCost");
        cur1TextDelivery("GZIP", List.of(TextFiles.gzip(TextFiles.csv(header, 1, 0))));
        assertEquals(problems("reports/cur1/R/20260501-20260601/a1/R-1.csv.gz",
                "columns differ from the manifest: missing 1 [line_item_unblended_cost]"), validate(CUR1).problems());
    }

    @Test
    void anEmptyTextDelivery() {
        cur1TextDelivery("GZIP", List.of(TextFiles.gzip(String.join(",", cur1CsvHeader()) + "\n")));
        assertEquals(problems(null, "empty delivery: the data files hold zero rows"), validate(CUR1).problems());
    }

    @Test
    void aDeclarationTheDetectorDoesNotKnowIsReportedAndNothingIsRead() {
        cur1TextDelivery("BZIP2", List.of(new byte[100]));
        long before = store.requests.get();
        DeliveryReport r = validate(CUR1);
        assertEquals(problems(CUR1.manifestKey(), "the manifest declares a content type or compression the detector "
                + "does not know: its files are not read"), r.problems());
        assertEquals(null, r.format());
        assertEquals(before + 1, store.requests.get());
    }

    @Test
    void aDataExportInTextIsKnownByItsFilesNames() {
        DeliveryRef carbon = new DeliveryRef(DeliveryKind.CARBON, BUCKET, "reports/carbon-footprint/C/metadata/"
                + "carbon_model_version=v3.0.0/usage_period=2026-04/C-Manifest.json", "C", "2026-04",
                "reports/carbon-footprint/C/");
        List<String> columns = List.of("last_refresh_timestamp", "location", "total_lbm_emissions_value");
        String key = "reports/carbon-footprint/C/data/carbon_model_version=v3.0.0/usage_period=2026-04/C-00001.csv.gz";
        store.put(key, TextFiles.gzip(TextFiles.csv(columns, 6, 0)));
        store.put(carbon.manifestKey(), manifest(columns, List.of("s3://" + BUCKET + "/" + key)));
        DeliveryReport r = validate(carbon);
        assertEquals(List.of(), r.problems());
        assertEquals(DeliveryFormat.CSV_GZIP, r.format());
        assertEquals(6L, r.totalRows());
    }

    @Test
    void aGzipFileInAParquetDeliveryIsNamedForWhatItIs() {
        delivery(2, 1);
        store.put(dataKey(2), TextFiles.gzip(TextFiles.csv(COLUMNS, 3000, 200)));
        assertEquals(problems(dataKey(2), "not a Parquet file: its content is GZIP-compressed (the delivery is parquet)"),
                validate(CUR2).problems());
        store.put(dataKey(2), TextFiles.gzip(TextFiles.csv(COLUMNS, 3, 0)));
        assertEquals(problems(dataKey(2), "not a Parquet file: its content is GZIP-compressed (the delivery is parquet)"),
                validate(CUR2).problems());
        assertEquals(DeliveryFormat.PARQUET, validate(CUR2).format());
    }

    @Test
    void theDeliveryFormatFromTheManifestOrTheNames() {
        assertEquals(DeliveryFormat.PARQUET, DeliveryFormat.declared("Parquet", "Parquet").format());
        assertEquals(DeliveryFormat.CSV_GZIP, DeliveryFormat.declared("text/csv", "GZIP").format());
        assertEquals(DeliveryFormat.CSV_ZIP, DeliveryFormat.declared("text/csv", "ZIP").format());
        assertTrue(DeliveryFormat.declared("text/csv", "BZIP2").unknown());
        assertTrue(DeliveryFormat.declared("application/json", null).unknown());
        assertEquals(new DeliveryFormat.Declared(null, false), DeliveryFormat.declared(null, null));
        assertEquals(DeliveryFormat.CSV_GZIP, DeliveryFormat.ofName("x/C-00001.csv.gz"));
        assertEquals(DeliveryFormat.PARQUET, DeliveryFormat.ofName("x/X-00001.snappy.parquet"));
        assertEquals(null, DeliveryFormat.ofName("x/X-00001"));
    }

    /** FOCUS 1.0 with AWS columns (table FOCUS_1_0_AWS): the 43 FOCUS columns and AWS's five x_ columns. */
    static final List<String> FOCUS_COLUMNS = List.of("AvailabilityZone", "BilledCost", "BillingAccountId",
            "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory",
            "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
            "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountStatus",
            "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice",
            "EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory", "PricingQuantity",
            "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName",
            "ResourceType", "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId", "SubAccountId", "SubAccountName",
            "Tags", "x_CostCategories", "x_Discounts", "x_Operation", "x_ServiceCode", "x_UsageType");

    DeliveryRef focusDelivery(String partition) {
        String root = "reports/focus/F/";
        DeliveryRef ref = new DeliveryRecognizer(List.of()).recognize(BUCKET, root + "metadata/" + partition
                + "=2026-05/F-Manifest.json", why -> { }).orElseThrow();
        String key = root + "data/" + partition + "=2026-05/F-00001.snappy.parquet";
        store.put(key, ParquetBytes.of(FOCUS_COLUMNS, 12));
        store.put(ref.manifestKey(), manifest(FOCUS_COLUMNS, List.of("s3://" + BUCKET + "/" + key)));
        return ref;
    }

    @Test
    void aFocusDelivery() {
        DeliveryReport r = validate(focusDelivery("billing_period"));
        assertEquals(List.of(), r.problems());
        assertEquals(DeliveryKind.FOCUS, r.ref().kind());
        assertEquals(12L, r.totalRows());
        assertEquals(DeliveryFormat.PARQUET, r.format());
    }

    @Test
    void theManifestsColumnsTellFocusFromCur2WhateverThePartitionsCase() {
        assertEquals(DeliveryKind.FOCUS, validate(focusDelivery("BILLING_PERIOD")).ref().kind());
        delivery(1, 1);
        DeliveryRef cur2UnderLowerCase = new DeliveryRef(DeliveryKind.FOCUS, BUCKET, MANIFEST, "X", "2026-05", ROOT);
        assertEquals(DeliveryKind.CUR2, validate(cur2UnderLowerCase).ref().kind());
    }

    @Test
    void theKeysKindStandsWhenTheManifestCannotTell() {
        DeliveryRef focus = new DeliveryRef(DeliveryKind.FOCUS, BUCKET, MANIFEST, "X", "2026-05", ROOT);
        assertEquals(DeliveryKind.FOCUS, validate(focus).ref().kind(), "manifest not found");
        store.put(dataKey(1), ParquetBytes.of(List.of("a"), 1));
        store.put(MANIFEST, manifest(List.of("a"), List.of("s3://" + BUCKET + "/" + dataKey(1))));
        assertEquals(DeliveryKind.FOCUS, validate(focus).ref().kind());
        assertEquals(DeliveryKind.CUR2, validate(CUR2).ref().kind());
    }

    /** Files whose footers need the second ranged read, as large CUR files do. */
    void deliveryWithLargeFooters(int files) {
        List<String> uris = new ArrayList<>();
        for (int i = 1; i <= files; i++) {
            store.put(dataKey(i), ParquetBytes.of(COLUMNS, 1000, 400, 100_000));
            uris.add("s3://" + BUCKET + "/" + dataKey(i));
        }
        store.put(MANIFEST, manifest(COLUMNS, uris));
    }

    @Test
    void aFileOverwrittenBetweenItsTwoFooterReadsIsChangedNotCorrupted() {
        deliveryWithLargeFooters(3);
        byte[] newer = ParquetBytes.of(COLUMNS, 2000, 400, 100_000);   // the next refresh: same shape, other rows
        store.afterRead.put(dataKey(2), () -> store.put(dataKey(2), newer));
        DeliveryReport r = validate(CUR2);
        assertEquals(DeliveryReport.Outcome.CHANGED, r.outcome());
        assertEquals(List.of(dataKey(2)), r.changedFiles());
        assertEquals(List.of(), r.problems(), "no corrupted footer reported");
    }

    @Test
    void aFileReplacedByASmallerOneBetweenItsReadsIsChangedNotAnError() {
        deliveryWithLargeFooters(2);
        store.afterRead.put(dataKey(1), () -> store.put(dataKey(1), ParquetBytes.of(COLUMNS, 0)));
        DeliveryReport r = validate(CUR2);
        assertEquals(DeliveryReport.Outcome.CHANGED, r.outcome());
        assertEquals(List.of(dataKey(1)), r.changedFiles());
    }

    @Test
    void changedOutranksProblemsFoundInTheSameDelivery() {
        deliveryWithLargeFooters(2);
        store.objects.remove(dataKey(2));
        store.afterRead.put(dataKey(1), () -> store.put(dataKey(1), new byte[300_000]));
        DeliveryReport r = validate(CUR2);
        assertEquals(DeliveryReport.Outcome.CHANGED, r.outcome());
        assertEquals(1, r.problems().size(), "what was found stays in the report, for the log");
    }

    @Test
    void theSniffingReadOfANonParquetFileIsPinnedToo() {
        delivery(1, 1);
        store.put(dataKey(1), TextFiles.gzip(TextFiles.csv(COLUMNS, 3000, 200)));
        store.afterRead.put(dataKey(1), () -> store.put(dataKey(1), ParquetBytes.of(COLUMNS, 1)));
        assertEquals(DeliveryReport.Outcome.CHANGED, validate(CUR2).outcome());
    }

    @Test
    void aManifestLargerThanTheLimitIsRefusedUnread() {
        store.put(MANIFEST, new byte[DeliveryValidator.MAX_MANIFEST_BYTES + 1]);
        DeliveryReport r = validate(CUR2);
        assertEquals(problems(MANIFEST, "manifest is 16777217 bytes, more than the 16777216 accepted: not read"),
                r.problems());
        assertEquals(0, store.bytesRead());
    }

    @Test
    void theCorruptedFooterSample() throws Exception {
        delivery(2, 1);
        store.put(dataKey(1), ParquetFooterTest.sample("PARQUET-1481.parquet"));
        List<DeliveryReport.Problem> p = validate(CUR2).problems();
        assertEquals(1, p.size());
        assertEquals(dataKey(1), p.get(0).file());
        assertTrue(p.get(0).problem().startsWith("corrupted Parquet footer"), p.get(0).problem());
    }

    @Test
    void aTruncatedAndATinyFile() {
        delivery(2, 1);
        byte[] whole = store.objects.get(dataKey(1));
        store.put(dataKey(1), java.util.Arrays.copyOf(whole, whole.length - 10));
        store.put(dataKey(2), new byte[0]);
        assertEquals(problems(dataKey(1), "no trailing PAR1 magic: truncated or not a Parquet file",
                dataKey(2), "not a Parquet file: 0 bytes is too small"), validate(CUR2).problems());
    }

    @Test
    void anEmptyDelivery() {
        delivery(2, 0);
        DeliveryReport r = validate(CUR2);
        assertEquals(problems(null, "empty delivery: the data files hold zero rows"), r.problems());
        assertEquals(0L, r.totalRows());
    }

    @Test
    void aManifestListingNoFiles() {
        store.put(MANIFEST, manifest(COLUMNS, List.of()));
        assertEquals(problems(null, "the manifest lists no data files"), validate(CUR2).problems());
    }

    @Test
    void aManifestWithoutColumns() {
        delivery(1, 1);
        store.put(MANIFEST, manifest(List.of(), List.of("s3://" + BUCKET + "/" + dataKey(1))));
        assertEquals(problems(MANIFEST, "manifest lists no columns"), validate(CUR2).problems());
    }

    @Test
    void aManifestMissingOrNotJson() {
        assertEquals(problems(MANIFEST, "manifest not found"), validate(CUR2).problems());
        store.put(MANIFEST, "<Error>not json</Error>".getBytes(StandardCharsets.UTF_8));
        DeliveryReport r = validate(CUR2);
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).problem().startsWith("manifest is not valid JSON"), r.problems().toString());
        store.put(MANIFEST, "{\"columns\":[]}".getBytes(StandardCharsets.UTF_8));
        assertEquals(problems(MANIFEST, "manifest has no dataFiles list"), validate(CUR2).problems());
    }

    @Test
    void aManifestThatIsNotJsonIsNotQuoted() {
        for (String text : List.of("{\"columns\": Secret9f8e7d6c5b4a}", "Secret9f8e7d6c5b4a", "[\"Secret9f8e7d6c5b4a\"]")) {
            store.put(MANIFEST, text.getBytes(StandardCharsets.UTF_8));
            assertEquals(problems(MANIFEST, "manifest is not valid JSON (or not a JSON object)"),
                    validate(CUR2).problems());
        }
    }

    @Test
    void aListedEntryThatIsNotAStringIsRefusedWithoutQuotingIt() {
        delivery(1, 1);
        store.put(MANIFEST, ("{\"executionId\":\"e\",\"columns\":[{\"name\":\"a\"}],\"dataFiles\":["
                + "{\"uri\":\"Secret9f8e7d6c5b4a\"}]}").getBytes(StandardCharsets.UTF_8));
        assertEquals(problems("(entry 1 is not a string)", "not an s3:// URI: not read"), validate(CUR2).problems());
    }

    @Test
    void columnsThatDifferFromTheManifest() {
        delivery(1, 3);
        List<String> other = new ArrayList<>(COLUMNS.subList(1, COLUMNS.size()));
        other.add("surprise_column");
        store.put(dataKey(1), ParquetBytes.of(other, 3));
        assertEquals(problems(dataKey(1), "columns differ from the manifest: missing 1 [identity_line_item_id]; "
                + "unexpected 1 [surprise_column]"), validate(CUR2).problems());
    }

    @Test
    void aFooterLargerThanTheFirstReadTakesASecondRangedRead() {
        delivery(1, 1000);
        byte[] big = ParquetBytes.of(COLUMNS, 1000, 400, 300_000);
        store.put(dataKey(1), big);
        int footer = big.length - 300_000 - 12;
        assertTrue(footer > ParquetFooter.TAIL_BYTES, "footer of " + footer + " bytes");
        long before = store.bytesRead();
        DeliveryReport r = validate(CUR2);
        assertEquals(List.of(), r.problems());
        assertEquals(1000L, r.totalRows());
        long read = store.bytesRead() - before - store.objects.get(MANIFEST).length;
        assertEquals(footer + 8, read, "the footer and its length, nothing of the body");
    }
}
