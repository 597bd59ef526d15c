package dev.costlink.registry;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The registry in DynamoDB. Each event is recorded in the events table and applied to the connections or deliveries
 * table in one transaction whose condition is "event id not seen": a retried or replayed event changes nothing.
 */
public final class DynamoRegistryStore implements RegistryStore {
    static final long EVENT_MEMORY_SECONDS = 35L * 24 * 3600;

    /** Table names, from the environment the vendor stack sets. */
    public record Tables(String tenants, String connections, String deliveries, String events) {
        public static Tables from(Map<String, String> env) {
            List<String> missing = new ArrayList<>();
            for (String n : List.of("COSTLINK_TENANTS_TABLE", "COSTLINK_CONNECTIONS_TABLE", "COSTLINK_DELIVERIES_TABLE",
                    "COSTLINK_EVENTS_TABLE")) {
                if (env.get(n) == null || env.get(n).isBlank()) {
                    missing.add(n);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("registry is not configured: " + String.join(", ", missing) + " must be set");
            }
            return new Tables(env.get("COSTLINK_TENANTS_TABLE"), env.get("COSTLINK_CONNECTIONS_TABLE"),
                    env.get("COSTLINK_DELIVERIES_TABLE"), env.get("COSTLINK_EVENTS_TABLE"));
        }
    }

    private final Tables tables;
    private final Lazy<DynamoDbClient> client =
            new Lazy<>(() -> AwsClients.configure(DynamoDbClient.builder()).build());

    public DynamoRegistryStore(Tables tables) {
        this.tables = tables;
    }


    @Override
    public Optional<String> externalId(String externalIdSha256) {
        Map<String, AttributeValue> item = client.get().getItem(r -> r.tableName(tables.tenants())
                .key(Map.of("externalIdSha256", s(externalIdSha256)))).item();
        if (item == null || !item.containsKey("externalId") || "DISABLED".equals(text(item.get("status")))) {
            return Optional.empty();
        }
        return Optional.of(item.get("externalId").s());
    }

    @Override
    public boolean apply(String eventId, Map<String, Object> event, long now) {
        String type = (String) event.get("type");
        String tenant = (String) event.get("externalIdSha256");
        String account = (String) event.get("accountId");
        TransactWriteItem seen = TransactWriteItem.builder().put(p -> p.tableName(tables.events())
                .item(Map.of("eventId", s(eventId), "type", s(type), "tenant", s(tenant), "receivedAt", n(now),
                        "expiresAt", n(now + EVENT_MEMORY_SECONDS)))
                .conditionExpression("attribute_not_exists(eventId)")).build();
        TransactWriteItem effect = type.startsWith("connection.") ? connection(eventId, event, tenant, account, now)
                : delivery(eventId, event, tenant, account, now);
        try {
            client.get().transactWriteItems(r -> r.transactItems(seen, effect));
            return true;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                return false;
            }
            throw e;
        }
    }

    private TransactWriteItem connection(String eventId, Map<String, Object> event, String tenant, String account,
                                         long now) {
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) event.get("connection");
        String role = (String) facts.get("roleArn");
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":acct", s(account));
        values.put(":role", s(role));
        values.put(":now", n(now));
        values.put(":id", s(eventId));
        values.put(":empty", AttributeValue.fromL(List.of()));
        values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                "type", s((String) event.get("type")), "eventId", s(eventId), "at", n(now))))));
        String expression;
        if (event.get("type").equals("connection.deleted")) {
            values.put(":revoked", s("REVOKED"));
            expression = "SET #status = :revoked, revokedAt = :now, updatedAt = :now, lastEventId = :id, "
                    + "accountId = :acct, roleArn = :role, history = list_append(if_not_exists(history, :empty), :entry)";
        } else {
            values.put(":active", s("ACTIVE"));
            values.put(":facts", value(facts));
            values.put(":stack", s(String.valueOf(event.getOrDefault("stackId", ""))));
            values.put(":region", s(String.valueOf(event.getOrDefault("region", ""))));
            values.put(":partition", s(String.valueOf(event.getOrDefault("partition", "aws"))));
            expression = "SET #status = :active, accountId = :acct, roleArn = :role, facts = :facts, stackId = :stack, "
                    + "#region = :region, #partition = :partition, updatedAt = :now, lastEventId = :id, "
                    + "registeredAt = if_not_exists(registeredAt, :now), "
                    + "history = list_append(if_not_exists(history, :empty), :entry) REMOVE revokedAt";
        }
        Map<String, String> names = new LinkedHashMap<>();
        names.put("#status", "status");
        if (expression.contains("#region")) {
            names.put("#region", "region");
            names.put("#partition", "partition");
        }
        return TransactWriteItem.builder().update(u -> u.tableName(tables.connections())
                .key(Map.of("tenant", s(tenant), "connection", s(account + "#" + role)))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values)).build();
    }

    private TransactWriteItem delivery(String eventId, Map<String, Object> event, String tenant, String account,
                                       long now) {
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) event.get("delivery");
        Object name = d.containsKey("exportName") ? d.get("exportName") : d.getOrDefault("reportName", "");
        Map<String, Object> last = new LinkedHashMap<>(d);
        last.put("type", event.get("type"));
        last.put("eventId", eventId);
        last.put("receivedAt", now);
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":d", value(last));
        values.put(":now", n(now));
        String expression = "SET lastDelivery = :d, updatedAt = :now";
        if (event.get("type").equals("delivery.completed")) {
            expression += ", lastValidDelivery = :d, lastValidAt = :now";
        }
        String finalExpression = expression;
        return TransactWriteItem.builder().update(u -> u.tableName(tables.deliveries())
                .key(Map.of("tenantAccount", s(tenant + "#" + account), "export", s(d.get("kind") + "#" + name)))
                .updateExpression(finalExpression).expressionAttributeValues(values)).build();
    }

    static AttributeValue value(Object o) {
        if (o == null) {
            return AttributeValue.fromNul(true);
        }
        if (o instanceof String str) {
            return s(str);
        }
        if (o instanceof Number num) {
            return AttributeValue.fromN(num.toString());
        }
        if (o instanceof Boolean b) {
            return AttributeValue.fromBool(b);
        }
        if (o instanceof List<?> list) {
            List<AttributeValue> out = new ArrayList<>();
            list.forEach(x -> out.add(value(x)));
            return AttributeValue.fromL(out);
        }
        if (o instanceof Map<?, ?> map) {
            Map<String, AttributeValue> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
            return AttributeValue.fromM(out);
        }
        return s(o.toString());
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static String text(AttributeValue v) {
        return v == null ? null : v.s();
    }
}
