package dev.costlink.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.costlink.common.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryEventTest {
    static final DeliveryRef REF = DeliveryValidatorTest.CUR1;
    static final String STACK = "arn:aws:cloudformation:us-east-1:111122223333:stack/CostLink/"
            + "5d5a5d3c-1111-2222-3333-444455556666";

    static Map<String, Object> delivery(DeliveryReport report) {
        byte[] body = DeliveryEvent.body(report, DeliveryEvent.idempotencyKey(report), Instant.EPOCH, STACK, "111122223333",
                "aws", "us-east-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) Json.parseObject(body).get("delivery");
        return d;
    }

    static Manifest manifest(String runId) {
        return new Manifest(List.of("k"), List.of(), runId, null, null, new DeliveryFormat.Declared(null, false));
    }

    @Test
    void anEventNamesItsStackAndCarriesNoExternalIdHash() {
        DeliveryReport report = new DeliveryReport(REF, "e", manifest("a1"), DeliveryFormat.PARQUET, 1, 9L, 5, List.of(),
                List.of());
        Map<String, Object> event = Json.parseObject(DeliveryEvent.body(report, DeliveryEvent.idempotencyKey(report),
                Instant.EPOCH, STACK, "111122223333", "aws", "us-east-1"));
        assertEquals(STACK, event.get("stackId"));
        assertFalse(event.containsKey("externalIdSha256"));
        assertEquals("111122223333", event.get("accountId"));
    }

    @Test
    void theConfigurationNeedsTheStackAndNoExternalId() {
        Map<String, String> env = Map.of("COSTLINK_BUCKET", "b", "COSTLINK_CALLBACK_URL", "https://vendor.example.com/cb",
                "COSTLINK_STACK_ID", STACK);
        assertEquals(STACK, DetectorConfig.from(env).stackId());
        IllegalStateException missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> DetectorConfig.from(Map.of("COSTLINK_BUCKET", "b", "COSTLINK_CALLBACK_URL",
                        "https://vendor.example.com/cb", "COSTLINK_EXTERNAL_ID", "ext")));
        assertEquals("delivery detector is not configured: COSTLINK_STACK_ID must be set", missing.getMessage());
        IllegalStateException notAStack = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> DetectorConfig.from(Map.of("COSTLINK_BUCKET", "b", "COSTLINK_CALLBACK_URL",
                        "https://vendor.example.com/cb", "COSTLINK_STACK_ID", "not-a-stack-secret")));
        assertFalse(notAStack.getMessage().contains("not-a-stack-secret"), notAStack.getMessage());
    }

    @Test
    void aTextDeliveryCarriesItsFormatAndNoRowCountWhenUncounted() {
        Map<String, Object> d = delivery(new DeliveryReport(REF, "e", manifest("a1"), DeliveryFormat.CSV_GZIP, 1, null,
                123, List.of(), List.of()));
        assertEquals("csv-gzip", d.get("format"));
        assertFalse(d.containsKey("totalRows"));
        assertEquals(123, ((Number) d.get("totalBytes")).intValue());
        assertEquals("a1", d.get("assemblyId"));
    }

    @Test
    void aParquetDeliveryCarriesFormatAndRows() {
        Map<String, Object> d = delivery(new DeliveryReport(REF, "e", manifest("a1"), DeliveryFormat.PARQUET, 1, 9L, 5,
                List.of(), List.of()));
        assertEquals("parquet", d.get("format"));
        assertEquals(9, ((Number) d.get("totalRows")).intValue());
    }

    @Test
    void aFocusDeliveryNamesItsExportAndRun() {
        DeliveryRef focus = new DeliveryRef(DeliveryKind.FOCUS, "b", "reports/focus/F/metadata/billing_period=2026-05/"
                + "F-Manifest.json", "F", "2026-05", "reports/focus/F/");
        Map<String, Object> d = delivery(new DeliveryReport(focus, "e", manifest("x1"), DeliveryFormat.PARQUET, 1, 3L, 9,
                List.of(), List.of()));
        assertEquals("FOCUS", d.get("kind"));
        assertEquals("F", d.get("exportName"));
        assertEquals("x1", d.get("executionId"));
        assertFalse(d.containsKey("reportName"));
    }

    @Test
    void aDeliveryThatChangedDuringValidationHasNoEvent() {
        DeliveryReport changed = new DeliveryReport(REF, "e", manifest("a1"), DeliveryFormat.PARQUET, 2, 1L, 9,
                List.of(new DeliveryReport.Problem("k2", "no trailing PAR1 magic: truncated or not a Parquet file")),
                List.of("k1"));
        assertEquals(DeliveryReport.Outcome.CHANGED, changed.outcome());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> DeliveryEvent.type(changed));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> delivery(changed));
    }

    @Test
    void anUnreadManifestHasNoFormat() {
        Map<String, Object> d = delivery(new DeliveryReport(REF, null, null, null, 0, 0L, 0,
                List.of(new DeliveryReport.Problem(REF.manifestKey(), "manifest not found")), List.of()));
        assertFalse(d.containsKey("format"));
        assertEquals(0, ((Number) d.get("totalRows")).intValue());
    }
}
