package dev.costlink.callback;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** The body of a connection.* event (docs/callback-contract.md). Absent facts are omitted, never empty strings. */
public final class ConnectionEvent {
    public static final String CREATED = "connection.created";
    public static final String UPDATED = "connection.updated";
    public static final String DELETED = "connection.deleted";

    private ConnectionEvent() {}

    public static byte[] body(String type, String id, Instant occurredAt, ConnectionProperties p, StackArn stack,
                              String stackId) {
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("roleArn", p.roleArn());
        put(connection, "accountType", p.accountType());
        put(connection, "deploymentScenario", p.deploymentScenario());
        put(connection, "bucket", p.bucket());
        put(connection, "curVersion", p.curVersion());
        put(connection, "exportName", p.exportName());
        put(connection, "exportArn", p.exportArn());
        put(connection, "carbonExportName", p.carbonExportName());
        put(connection, "carbonExportArn", p.carbonExportArn());
        Map<String, Object> prefixes = new LinkedHashMap<>();
        put(prefixes, "cur", p.curPrefix());
        put(prefixes, "carbon", p.carbonPrefix());
        if (!prefixes.isEmpty()) {
            connection.put("prefixes", prefixes);
        }
        if (!p.permissionSets().isEmpty()) {
            connection.put("permissionSets", p.permissionSets());
        }

        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("id", id);
        event.put("occurredAt", occurredAt.truncatedTo(ChronoUnit.MILLIS).toString());
        event.put("externalIdSha256", CallbackSignature.sha256Hex(p.externalId()));
        event.put("accountId", stack.accountId());
        event.put("partition", stack.partition());
        event.put("region", stack.region());
        event.put("stackId", stackId);
        event.put("connection", connection);
        return Json.write(event);
    }

    private static void put(Map<String, Object> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
