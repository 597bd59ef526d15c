package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventShapeTest {
    static final String KEY = "evt_" + "a".repeat(40);
    static final String STACK_UUID = "5b5a3e10-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    static final String STACK_ID = "arn:aws:cloudformation:us-east-1:111122223333:stack/CostLink/" + STACK_UUID;

    static Map<String, Object> connectionEvent(String account) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "connection.created");
        e.put("id", KEY);
        e.put("occurredAt", "2026-11-22T09:00:00.000Z");
        e.put("externalIdSha256", "b".repeat(64));
        e.put("accountId", account);
        e.put("partition", "aws");
        e.put("region", "us-east-1");
        e.put("stackId", "arn:aws:cloudformation:us-east-1:" + account + ":stack/CostLink/" + STACK_UUID);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("roleArn", "arn:aws:iam::" + account + ":role/CostLink-ReadAccess");
        e.put("connection", c);
        return e;
    }

    static Map<String, Object> deliveryEvent(String account, String kind) {
        Map<String, Object> e = new LinkedHashMap<>(connectionEvent(account));
        e.remove("externalIdSha256");
        e.remove("connection");
        e.put("type", "delivery.completed");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", kind);
        d.put("bucket", "acme-costlink-cur");
        d.put(kind.equals("CUR1") ? "reportName" : "exportName", "CostLink-Export");
        d.put("billingPeriod", "2026-05");
        d.put("manifestKey", "reports/cur2/CostLink-Export/metadata/BILLING_PERIOD=2026-05/CostLink-Export-Manifest.json");
        d.put("fileCount", 1);
        d.put("totalRows", 3);
        d.put("totalBytes", 100);
        e.put("delivery", d);
        return e;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> facts(Map<String, Object> e) {
        return (Map<String, Object>) e.get("connection");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> delivery(Map<String, Object> e) {
        return (Map<String, Object>) e.get("delivery");
    }

    @Test
    void wellFormedEventsPass() {
        assertNull(EventShape.problem(connectionEvent("111122223333"), KEY));
        for (String kind : new String[] {"CUR2", "CUR1", "CARBON", "FOCUS"}) {
            assertNull(EventShape.problem(deliveryEvent("111122223333", kind), KEY));
        }
    }

    @Test
    void aRoleOfAnotherAccountIsRefused() {
        Map<String, Object> e = connectionEvent("111122223333");
        facts(e).put("roleArn", "arn:aws:iam::999988887777:role/CostLink-ReadAccess");
        assertEquals("connection.roleArn names another account than accountId", EventShape.problem(e, KEY));
    }

    @Test
    void aStackOfAnotherAccountIsRefused() {
        Map<String, Object> e = connectionEvent("111122223333");
        e.put("stackId", "arn:aws:cloudformation:us-east-1:999988887777:stack/CostLink/5b5a3e10");
        assertEquals("stackId names another account than accountId", EventShape.problem(e, KEY));
    }

    @Test
    void theSameHoldsForDeletedEvents() {
        Map<String, Object> e = connectionEvent("111122223333");
        e.put("type", "connection.deleted");
        facts(e).put("roleArn", "arn:aws:iam::999988887777:role/CostLink-ReadAccess");
        assertEquals("connection.roleArn names another account than accountId", EventShape.problem(e, KEY));
    }

    @Test
    void roleAndStackMustBeArnsOfTheirKind() {
        Map<String, Object> e = connectionEvent("111122223333");
        facts(e).put("roleArn", "arn:aws:iam::111122223333:user/someone");
        assertEquals("connection.roleArn must be an IAM role ARN", EventShape.problem(e, KEY));
        e = connectionEvent("111122223333");
        e.remove("stackId");
        assertEquals("stackId must be a CloudFormation stack ARN", EventShape.problem(e, KEY));
        e.put("stackId", "arn:aws:s3:::111122223333");
        assertEquals("stackId must be a CloudFormation stack ARN", EventShape.problem(e, KEY));
    }

    @Test
    void otherPartitionsAreArnsToo() {
        Map<String, Object> e = connectionEvent("111122223333");
        facts(e).put("roleArn", "arn:aws-us-gov:iam::111122223333:role/CostLink-ReadAccess");
        e.put("stackId", "arn:aws-us-gov:cloudformation:us-gov-west-1:111122223333:stack/CostLink/x");
        assertNull(EventShape.problem(e, KEY));
    }

    @Test
    void aDeliveryNamesItsStackInItsAccount() {
        Map<String, Object> e = deliveryEvent("111122223333", "CUR2");
        e.remove("stackId");
        assertEquals("stackId must be a CloudFormation stack ARN", EventShape.problem(e, KEY));
        e.put("stackId", STACK_ID.replace("111122223333", "999988887777"));
        assertEquals("stackId names another account than accountId", EventShape.problem(e, KEY));
    }

    @Test
    void aDeliveryMayNameItsTenantButOnlyAsAHash() {
        Map<String, Object> e = deliveryEvent("111122223333", "CUR2");
        e.put("externalIdSha256", "b".repeat(64));
        assertNull(EventShape.problem(e, KEY));
        e.put("externalIdSha256", "cl-an-ExternalId");
        assertEquals("externalIdSha256 must be 64 lowercase hex digits", EventShape.problem(e, KEY));
    }

    @Test
    void aConnectionEventMustNameItsTenant() {
        Map<String, Object> e = connectionEvent("111122223333");
        e.remove("externalIdSha256");
        assertEquals("externalIdSha256 must be 64 lowercase hex digits", EventShape.problem(e, KEY));
    }

    @Test
    void aDeliveryNamesItsKindAndExport() {
        Map<String, Object> e = deliveryEvent("111122223333", "CUR2");
        delivery(e).put("kind", "CUR3");
        assertEquals("delivery.kind must be CUR2, CUR1, CARBON or FOCUS", EventShape.problem(e, KEY));
        e = deliveryEvent("111122223333", "CUR1");
        delivery(e).put("exportName", delivery(e).remove("reportName"));
        assertEquals("delivery.reportName is required", EventShape.problem(e, KEY));
        e = deliveryEvent("111122223333", "CARBON");
        delivery(e).remove("exportName");
        assertEquals("delivery.exportName is required", EventShape.problem(e, KEY));
        e = deliveryEvent("111122223333", "CUR2");
        delivery(e).put("totalRows", "3");
        assertEquals("delivery.totalRows must be a number when present", EventShape.problem(e, KEY));
        e = deliveryEvent("111122223333", "CUR2");
        delivery(e).remove("fileCount");
        assertEquals("delivery.fileCount must be a number", EventShape.problem(e, KEY));
    }

    @Test
    void aTextDeliveryMayLeaveItsRowsUncounted() {
        Map<String, Object> e = deliveryEvent("111122223333", "CUR1");
        delivery(e).remove("totalRows");
        delivery(e).put("format", "csv-gzip");
        assertNull(EventShape.problem(e, KEY));
    }

    @Test
    void aFormatIsOneTheContractNames() {
        for (String format : new String[] {"parquet", "csv-gzip", "csv-zip"}) {
            Map<String, Object> e = deliveryEvent("111122223333", "CUR2");
            delivery(e).put("format", format);
            assertNull(EventShape.problem(e, KEY));
        }
        Map<String, Object> e = deliveryEvent("111122223333", "CUR2");
        delivery(e).put("format", "csv");
        assertEquals("delivery.format must be parquet, csv-gzip or csv-zip when present", EventShape.problem(e, KEY));
    }

    @Test
    void occurredAtIsAnIsoUtcTime() {
        Map<String, Object> e = connectionEvent("111122223333");
        assertEquals(Long.valueOf(1_795_338_000_000L), EventShape.occurredAtMillis(e));
        for (String bad : new String[] {"yesterday", "2026-11-22T09:00:00", "2026-11-22T09:00:00+01:00", ""}) {
            e.put("occurredAt", bad);
            assertEquals("occurredAt must be an ISO-8601 UTC time (2026-11-22T09:00:00.123Z)",
                    EventShape.problem(e, KEY), bad);
        }
    }
}
