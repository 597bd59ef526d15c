package dev.costlink.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which keys are complete deliveries, of what kind, export and period (shared/reference/delivery-formats.md). */
class DeliveryRecognizerTest {
    private static final DeliveryRecognizer WATCHING_PREFIXES = new DeliveryRecognizer(
            List.of("reports/cur2", "reports/cur1/", "reports/carbon-footprint"));
    private final List<String> ignored = new ArrayList<>();

    private Optional<DeliveryRef> recognize(DeliveryRecognizer r, String key) {
        return r.recognize("b", key, why -> ignored.add(why.reason()));
    }

    private DeliveryRef delivery(String key) {
        Optional<DeliveryRef> ref = recognize(WATCHING_PREFIXES, key);
        assertTrue(ref.isPresent(), () -> key + " ignored: " + ignored);
        assertTrue(ignored.isEmpty(), ignored::toString);
        return ref.get();
    }

    private String ignoredBecause(String key) {
        assertTrue(recognize(WATCHING_PREFIXES, key).isEmpty(), key);
        assertEquals(1, ignored.size(), ignored::toString);
        return ignored.get(0);
    }

    @Test
    void cur2OverwriteMode() {
        String key = "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json";
        assertEquals(new DeliveryRef(DeliveryKind.CUR2, "b", key, "X", "2026-05", "reports/cur2/X/"), delivery(key));
    }

    @Test
    void cur2CreateNewModeBothManifests() {
        String run = "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/2026-06-01T23:48:02.356Z-0f6a4f3e-1c2b/X-Manifest.json";
        String latest = "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json";
        assertEquals(new DeliveryRef(DeliveryKind.CUR2, "b", run, "X", "2026-05", "reports/cur2/X/"), delivery(run));
        assertEquals(delivery(run).exportRoot(), delivery(latest).exportRoot());
    }

    @Test
    void cur2ExportUnderANestedPrefix() {
        String key = "reports/cur2/team/a/X/metadata/BILLING_PERIOD=2025-12/X-Manifest.json";
        assertEquals(new DeliveryRef(DeliveryKind.CUR2, "b", key, "X", "2025-12", "reports/cur2/team/a/X/"),
                delivery(key));
    }

    @Test
    void focusWritesItsBillingPeriodPartitionInLowerCase() {
        String key = "reports/cur2/F/metadata/billing_period=2026-05/F-Manifest.json";
        assertEquals(new DeliveryRef(DeliveryKind.FOCUS, "b", key, "F", "2026-05", "reports/cur2/F/"), delivery(key));
        String createNew = "reports/cur2/F/metadata/billing_period=2026-05/2026-06-01T23:48:02.356Z-e1/F-Manifest.json";
        assertEquals(DeliveryKind.FOCUS, delivery(createNew).kind());
        assertEquals(DeliveryKind.CUR2, delivery("reports/cur2/X/metadata/Billing_Period=2026-05/X-Manifest.json").kind());
    }

    @ParameterizedTest
    @CsvSource({
        "reports/cur1/R/20260501-20260601/R-Manifest.json",
        "reports/cur1/R/20260501-20260601/0f6a4f3e-1c2b-4d5e-8f9a-0b1c2d3e4f5a/R-Manifest.json",
        "reports/cur1/R/R/year=2026/month=5/R-Manifest.json",
        "reports/cur1/R/R/year=2026/month=05/R-Manifest.json",
    })
    void cur1InEveryManifestFolder(String key) {
        assertEquals(new DeliveryRef(DeliveryKind.CUR1, "b", key, "R", "2026-05", "reports/cur1/R/"), delivery(key));
    }

    @Test
    void cur1DecemberRangeEndsInTheNextYear() {
        assertEquals("2025-12", delivery("reports/cur1/R/20251201-20260101/R-Manifest.json").billingPeriod());
    }

    @ParameterizedTest
    @ValueSource(strings = {"carbon_model_version=v3.0.0/", "model_version=v3.0.0/", ""})
    void carbonWithEitherModelPartitionOrNone(String model) {
        String key = "reports/carbon-footprint/C/metadata/" + model + "usage_period=2026-04/C-Manifest.json";
        assertEquals(new DeliveryRef(DeliveryKind.CARBON, "b", key, "C", "2026-04", "reports/carbon-footprint/C/"),
                delivery(key));
    }

    @Test
    void decodedKeysWithSpacesAndNonAsciiNames() throws Exception {
        String encoded = "reports/cur2/Co%C3%BBt+Export/metadata/BILLING_PERIOD%3D2026-05/Co%C3%BBt+Export-Manifest.json";
        String key = ObjectCreated.decodeS3EventKey(encoded);
        DeliveryRef ref = delivery(key);
        assertEquals("Coût Export", ref.exportName());
        assertEquals("2026-05", ref.billingPeriod());
        assertEquals(key, ref.manifestKey());
    }

    @Test
    void anEmptyPrefixListWatchesTheWholeBucket() {
        DeliveryRecognizer everywhere = new DeliveryRecognizer(List.of());
        assertTrue(recognize(everywhere, "billing/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json").isPresent());
    }

    @Test
    void aPrefixMatchesWholeFoldersOnly() {
        assertEquals("outside the report prefixes",
                ignoredBecause("reports/cur2-old/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "reports/cur2/aws-programmatic-access-test-object|AWS permission probe object",
        "aws-programmatic-access-test-object|AWS permission probe object",
        "reports/cur2/X/data/BILLING_PERIOD=2026-05/X-00001.snappy.parquet|not a manifest",
        "reports/cur1/R/20260501-20260601/R-1.csv.gz|not a manifest",
        "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/-Manifest.json|not a manifest",
        "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json.tmp|not a manifest",
        "other/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json|outside the report prefixes",
        "reports/cur2/X/metadata/../BILLING_PERIOD=2026-05/X-Manifest.json|key has empty, dot or control-character segments",
        "reports/cur2//X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json|key has empty, dot or control-character segments",
        "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/./X-Manifest.json|key has empty, dot or control-character segments",
        "reports/cur2/Y/metadata/BILLING_PERIOD=2026-05/X-Manifest.json|a manifest in no known delivery layout",
        "reports/cur2/X/metadata/X-Manifest.json|a manifest in no known delivery layout",
        "reports/cur2/X/metadata/BILLING_PERIOD=2026-5/X-Manifest.json|a manifest in no known delivery layout",
        "reports/cur1/R/R/year=2026/month=13/R-Manifest.json|a manifest in no known delivery layout",
        "reports/cur1/R/2026050-20260601/R-Manifest.json|a manifest in no known delivery layout",
        "reports/cur1/R/Other/year=2026/month=5/R-Manifest.json|a manifest in no known delivery layout",
    })
    void ignoredKeysAndWhy(String key, String reason) {
        assertEquals(reason, ignoredBecause(key));
    }

    @Test
    void controlCharactersInAKeyAreIgnored() {
        assertEquals("key has empty, dot or control-character segments",
                ignoredBecause("reports/cur2/X/metadata/BILLING_PERIOD=2026-05/\nX/X-Manifest.json"));
    }
}
