package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Facts;
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
                        Facts.CARBON_PREFIX, s("reports/carbon-footprint")))));
        assertEquals(new BillingFacts("b", "CUR2", "reports/cur2", new ExportRef("X", "arn:x"),
                "reports/carbon-footprint", new ExportRef("C", null)), b);
        assertEquals(BillingFacts.NONE, Registry.billing(Map.of()), "a linked account");
    }
}
