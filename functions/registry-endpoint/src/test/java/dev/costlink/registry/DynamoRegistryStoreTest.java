package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.RegistrySchema.Connections;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoRegistryStoreTest {
    @Test
    void theHistoryKeepsOnlyTheNewestEntries() {
        List<AttributeValue> history = new ArrayList<>();
        for (int i = 0; i < Connections.HISTORY_LIMIT + 7; i++) {
            history = DynamoRegistryStore.boundedHistory(history,
                    DynamoRegistryStore.historyEntry("connection.updated", "evt_" + i, i), Connections.HISTORY_LIMIT);
            assertTrue(history.size() <= Connections.HISTORY_LIMIT);
        }
        assertEquals(Connections.HISTORY_LIMIT, history.size());
        assertEquals("evt_7", history.get(0).m().get(Connections.HISTORY_EVENT_ID).s());
        assertEquals("evt_" + (Connections.HISTORY_LIMIT + 6),
                history.get(history.size() - 1).m().get(Connections.HISTORY_EVENT_ID).s());
    }

    @Test
    void aShortHistoryGrows() {
        List<AttributeValue> one = DynamoRegistryStore.boundedHistory(List.of(),
                DynamoRegistryStore.historyEntry("connection.created", "evt_1", 5), 3);
        assertEquals(List.of(AttributeValue.fromM(Map.of(Connections.HISTORY_TYPE, AttributeValue.fromS("connection.created"),
                Connections.HISTORY_EVENT_ID, AttributeValue.fromS("evt_1"),
                Connections.HISTORY_AT, AttributeValue.fromN("5")))), one);
    }

    @Test
    void valuesRoundTrip() {
        Map<String, Object> facts = Map.of("bucket", "b", "n", 3, "list", List.of("x", true), "nested", Map.of("k", "v"));
        Object back = DynamoRegistryStore.plain(DynamoRegistryStore.value(facts));
        assertEquals(Map.of("bucket", "b", "n", new BigDecimal(3), "list", List.of("x", true),
                "nested", Map.of("k", "v")), back);
    }

    @Test
    void tableNamesComeFromTheSchemasEnvironmentNames() {
        DynamoRegistryStore.Tables t = DynamoRegistryStore.Tables.from(Map.of("COSTLINK_TENANTS_TABLE", "t",
                "COSTLINK_CONNECTIONS_TABLE", "c", "COSTLINK_DELIVERIES_TABLE", "d", "COSTLINK_EVENTS_TABLE", "e"));
        assertEquals(new DynamoRegistryStore.Tables("t", "c", "d", "e"), t);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DynamoRegistryStore.Tables.from(Map.of("COSTLINK_TENANTS_TABLE", "t")));
        assertEquals("registry is not configured: COSTLINK_CONNECTIONS_TABLE, COSTLINK_DELIVERIES_TABLE, "
                + "COSTLINK_EVENTS_TABLE must be set", e.getMessage());
    }

    @Test
    void anEventOlderThanTheAppliedOneIsStaleTiesAreNot() {
        Map<String, AttributeValue> item = Map.of(Connections.LAST_OCCURRED_AT, AttributeValue.fromN("1000"));
        assertTrue(DynamoRegistryStore.olderThanApplied(item, 999));
        assertFalse(DynamoRegistryStore.olderThanApplied(item, 1000));
        assertFalse(DynamoRegistryStore.olderThanApplied(item, 1001));
        assertFalse(DynamoRegistryStore.olderThanApplied(null, 5), "a new connection");
        assertFalse(DynamoRegistryStore.olderThanApplied(Map.of(), 5), "an item recorded before the order was kept");
    }

    @Test
    void aRevocationTransactionHoldsAtMostDynamoDbsHundredItems() {
        assertEquals(100, DynamoRegistryStore.MEMBERS_PER_TRANSACTION + 1, "the members and the payer's check");
    }

    @Test
    void aTenantsPolicyIsAListOrAStringSetAbsentIsNoPolicy() {
        assertEquals(null, DynamoRegistryStore.texts(null));
        assertEquals(java.util.Set.of("111122223333"), DynamoRegistryStore.texts(AttributeValue.fromL(
                java.util.List.of(AttributeValue.fromS("111122223333"), AttributeValue.fromN("5")))));
        assertEquals(java.util.Set.of("o-a", "o-b"), DynamoRegistryStore.texts(AttributeValue.fromSs(
                java.util.List.of("o-a", "o-b"))));
        assertEquals(java.util.Set.of(), DynamoRegistryStore.texts(AttributeValue.fromL(java.util.List.of())));
        assertEquals(null, DynamoRegistryStore.texts(AttributeValue.fromS("111122223333")));
    }
}
