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

    static Map<String, Object> delivery(DeliveryReport report) {
        byte[] body = DeliveryEvent.body(report, DeliveryEvent.idempotencyKey(report), Instant.EPOCH, "ext", "111122223333",
                "aws", "us-east-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) Json.parseObject(body).get("delivery");
        return d;
    }

    static Manifest manifest(String runId) {
        return new Manifest(List.of("k"), List.of(), runId, null, null, new DeliveryFormat.Declared(null, false));
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
