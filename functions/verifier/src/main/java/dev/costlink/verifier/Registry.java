package dev.costlink.verifier;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The verifier's view of the registry the endpoint writes: active connections, tenants, and health state. */
public final class Registry {
    private final String tenantsTable;
    private final String connectionsTable;
    private final String deliveriesTable;
    private final Lazy<DynamoDbClient> ddb = new Lazy<>(() -> AwsClients.configure(DynamoDbClient.builder()).build());

    public Registry(String tenantsTable, String connectionsTable, String deliveriesTable) {
        this.tenantsTable = tenantsTable;
        this.connectionsTable = connectionsTable;
        this.deliveriesTable = deliveriesTable;
    }

    /** The newest delivery the registry holds for the connection's account, summarised; null when none or unknown. */
    public Map<String, Object> lastDelivery(Connection c) {
        if (deliveriesTable == null) {
            return null;
        }
        Map<String, Object> newest = null;
        long newestAt = -1;
        for (Map<String, AttributeValue> item : ddb.get().query(r -> r.tableName(deliveriesTable)
                .keyConditionExpression("tenantAccount = :k")
                .expressionAttributeValues(Map.of(":k", s(c.tenant() + "#" + c.accountId())))).items()) {
            Map<String, AttributeValue> d = item.get("lastDelivery") == null ? Map.of() : item.get("lastDelivery").m();
            long at = d.containsKey("receivedAt") ? Long.parseLong(d.get("receivedAt").n()) : 0;
            if (at > newestAt) {
                newestAt = at;
                newest = new java.util.LinkedHashMap<>();
                for (String key : List.of("type", "kind", "exportName", "reportName", "billingPeriod", "manifestKey")) {
                    if (d.containsKey(key) && d.get(key).s() != null) {
                        newest.put(key, d.get(key).s());
                    }
                }
                for (String key : List.of("fileCount", "totalRows", "totalBytes")) {
                    if (d.containsKey(key) && d.get(key).n() != null) {
                        newest.put(key, Long.parseLong(d.get(key).n()));
                    }
                }
                newest.put("receivedAt", Instant.ofEpochSecond(at).toString());
            }
        }
        return newest;
    }

    /** Every ACTIVE connection's key, page by page (a registry of any size streams through). */
    public void forEachActive(Consumer<String[]> keys) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = ddb.get().scan(r -> r.tableName(connectionsTable).exclusiveStartKey(from)
                    .projectionExpression("tenant, #c").filterExpression("#s = :active")
                    .expressionAttributeNames(Map.of("#s", "status", "#c", "connection"))
                    .expressionAttributeValues(Map.of(":active", AttributeValue.fromS("ACTIVE"))));
            page.items().forEach(i -> keys.accept(new String[] {i.get("tenant").s(), i.get("connection").s()}));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /** The connection and its tenant, or null when either is gone (deleted since the schedule ran). */
    public Connection load(String tenant, String connectionKey) {
        Map<String, AttributeValue> c = ddb.get().getItem(r -> r.tableName(connectionsTable)
                .key(Map.of("tenant", s(tenant), "connection", s(connectionKey)))).item();
        Map<String, AttributeValue> t = ddb.get().getItem(r -> r.tableName(tenantsTable)
                .key(Map.of("externalIdSha256", s(tenant)))).item();
        if (c == null || c.isEmpty() || t == null || t.isEmpty() || !"ACTIVE".equals(text(c.get("status")))) {
            return null;
        }
        Map<String, AttributeValue> facts = c.containsKey("facts") ? c.get("facts").m() : Map.of();
        Map<String, AttributeValue> prefixes = facts.containsKey("prefixes") ? facts.get("prefixes").m() : Map.of();
        return new Connection(tenant, text(t.get("name")), connectionKey, text(c.get("accountId")), text(c.get("roleArn")),
                text(t.get("externalId")), text(facts.get("bucket")), text(prefixes.get("cur")),
                text(prefixes.get("carbon")), instant(c.get("registeredAt")),
                c.containsKey("healthStatus") ? HealthStatus.valueOf(text(c.get("healthStatus"))) : null,
                instant(c.get("healthPublishedAt")), text(facts.get("curVersion")), text(facts.get("exportName")),
                text(facts.get("exportArn")), text(facts.get("carbonExportName")), text(facts.get("carbonExportArn")));
    }

    /** Stores the latest status and checks; {@code published} moves the last-published time. */
    public void record(Connection c, HealthStatus status, List<Check> checks, Instant at, boolean published) {
        List<AttributeValue> list = new ArrayList<>();
        for (Check k : checks) {
            list.add(AttributeValue.fromM(Map.of("name", s(k.name()), "result", s(k.result().name()),
                    "detail", s(k.detail()))));
        }
        String expression = "SET healthStatus = :s, healthChecks = :c, healthCheckedAt = :t"
                + (published ? ", healthPublishedAt = :t" : "");
        ddb.get().updateItem(r -> r.tableName(connectionsTable)
                .key(Map.of("tenant", s(c.tenant()), "connection", s(c.connectionKey())))
                .updateExpression(expression)
                .expressionAttributeValues(Map.of(":s", s(status.name()), ":c", AttributeValue.fromL(list),
                        ":t", AttributeValue.fromN(Long.toString(at.getEpochSecond())))));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static String text(AttributeValue v) {
        return v == null ? null : v.s();
    }

    private static Instant instant(AttributeValue v) {
        return v == null || v.n() == null ? null : Instant.ofEpochSecond(Long.parseLong(v.n()));
    }
}
