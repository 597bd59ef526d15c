package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Deliveries;
import dev.costlink.common.RegistrySchema.Facts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class RegistryMappingTest {
    private static final String ACCOUNT = "111122223333";
    private static final String ROLE = "arn:aws:iam::111122223333:role/CostLink-ReadAccess";

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    @Test
    void theConnectionIdIsTheOneReportedElseDerivedLikeTheCallback() {
        assertEquals("costlink-111122223333-f011dd253f837458", Registry.connectionId(Map.of(), Map.of(), ACCOUNT, ROLE));
        assertEquals("costlink-111122223333-aaaaaaaaaaaaaaaa", Registry.connectionId(Map.of(),
                Map.of(Facts.CONNECTION_ID, s("costlink-111122223333-aaaaaaaaaaaaaaaa")), ACCOUNT, ROLE));
        assertEquals("costlink-111122223333-bbbbbbbbbbbbbbbb", Registry.connectionId(
                Map.of(Connections.CONNECTION_ID, s("costlink-111122223333-bbbbbbbbbbbbbbbb")),
                Map.of(Facts.CONNECTION_ID, s("costlink-111122223333-aaaaaaaaaaaaaaaa")), ACCOUNT, ROLE));
        assertEquals("costlink-111122223333-f011dd253f837458",
                Registry.connectionId(Map.of(), Map.of(Facts.CONNECTION_ID, s(" ")), ACCOUNT, ROLE), "blank is absent");
    }

    @Test
    void billingFactsFromTheStoredConnectionEvent() {
        BillingFacts b = Registry.billing(Map.of(Facts.BUCKET, s("b"), Facts.CUR_VERSION, s("CUR2"),
                Facts.EXPORT_NAME, s("X"), Facts.EXPORT_ARN, s("arn:x"), Facts.CARBON_EXPORT_NAME, s("C"),
                Facts.PREFIXES, AttributeValue.fromM(Map.of(Facts.CUR_PREFIX, s("reports/cur2"),
                        Facts.CARBON_PREFIX, s("reports/carbon-footprint")))), "us-east-1");
        assertEquals(Fixtures.facts("b", "CUR2", "reports/cur2", new ExportRef("X", "arn:x"),
                "reports/carbon-footprint", new ExportRef("C", null)), b);
        assertEquals(BillingFacts.NONE, Registry.billing(Map.of(), "us-east-1"), "a linked account");
    }

    @Test
    void focusAndTheFailureQueueFromTheStoredConnectionEvent() {
        BillingFacts b = Registry.billing(Map.of(Facts.BUCKET, s("b"), Facts.EXPORT_NAME, s("X"),
                Facts.FOCUS_EXPORT_NAME, s("F"), Facts.FOCUS_EXPORT_ARN, s("arn:f"),
                Facts.DELIVERY_FAILURES_QUEUE_URL, s("https://sqs.us-east-1.amazonaws.com/111122223333/q"),
                Facts.PREFIXES, AttributeValue.fromM(Map.of(Facts.CUR_PREFIX, s("reports/cur2"),
                        Facts.FOCUS_PREFIX, s("reports/focus")))), "us-east-1");
        assertEquals(new BillingFacts.Feed("reports/focus", new ExportRef("F", "arn:f")), b.focus());
        assertEquals(new BillingFacts.FailureQueue("https://sqs.us-east-1.amazonaws.com/111122223333/q", "us-east-1"),
                b.failureQueue());
        assertTrue(b.hasFocus());
        assertNull(Registry.billing(Map.of(Facts.BUCKET, s("b")), "us-east-1").failureQueue(), "no queue reported");
    }

    @Test
    void aDeliveryRecordAsTheRegistryEndpointWritesIt() {
        Map<String, AttributeValue> invalid = Map.of(
                Deliveries.TENANT_ACCOUNT, s("t#111122223333"), Deliveries.EXPORT, s("FOCUS#F"),
                Deliveries.LAST_VALID_AT, n(1_780_000_000),
                Deliveries.LAST_DELIVERY, AttributeValue.fromM(Map.of(Deliveries.TYPE, s("delivery.invalid"),
                        Deliveries.KIND, s("FOCUS"), Deliveries.EXPORT_NAME, s("F"),
                        Deliveries.BILLING_PERIOD, s("2026-06"), Deliveries.RECEIVED_AT, n(1_782_000_000),
                        Deliveries.FILE_COUNT, n(3), "problemCount", n(7),
                        "problems", AttributeValue.fromL(List.of(
                                problem("reports/focus/F/data/billing_period=2026-06/F-00001.snappy.parquet", "no PAR1"),
                                problem(null, "the manifest lists no file"),
                                problem("a", "x".repeat(2000)), problem("b", "never shown"))))));
        ReportedDelivery r = Registry.reported(invalid);
        assertEquals("FOCUS", r.kind());
        assertEquals("F", r.name());
        assertFalse(r.valid());
        assertEquals(Instant.ofEpochSecond(1_782_000_000), r.receivedAt());
        assertEquals(Instant.ofEpochSecond(1_780_000_000), r.lastValidAt());
        assertEquals(4, r.problems().size(), r.problems()::toString);
        assertEquals("reports/focus/F/data/billing_period=2026-06/F-00001.snappy.parquet: no PAR1", r.problems().get(0));
        assertEquals("the manifest lists no file", r.problems().get(1));
        assertTrue(r.problems().get(2).endsWith("...") && r.problems().get(2).length() <= Registry.MAX_PROBLEM_BYTES);
        assertEquals("and 4 more", r.problems().get(3));
        assertEquals(Map.of("type", "delivery.invalid", "kind", "FOCUS", "exportName", "F", "billingPeriod", "2026-06",
                "fileCount", 3L, "receivedAt", "2026-06-21T00:00:00Z"), r.last());
        assertNull(Registry.reported(Map.of(Deliveries.EXPORT, s("CUR2#X"))), "no last delivery: no record");
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static AttributeValue problem(String file, String problem) {
        return AttributeValue.fromM(file == null ? Map.of("problem", s(problem)) : Map.of("file", s(file), "problem",
                s(problem)));
    }
}
