package dev.costlink.verifier;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.Json;
import dev.costlink.common.Text;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SNS message for a connection's health (docs/health-events.md): a JSON body for machines, a Subject for the ops
 * team's inbox, and message attributes (status, accountId, failedChecks) that subscription filter policies can match.
 * Every free-text value is bounded, so that a message (at most nine checks) stays far below SNS's 256 KiB.
 * {@code eventId} is the same for the same connection and verification time: a subscriber that must never see an event
 * twice deduplicates on it (docs/health-events.md, "Exactly once").
 */
public record HealthEvent(String eventId, String subject, String message, Map<String, String> attributes) {
    static final int MAX_NAME_BYTES = 1024;
    static final int MAX_DETAIL_BYTES = 4096;
    static final int MAX_VALUE_BYTES = 2048;

    /** {@code lastDelivery} is the registry's record of the newest delivery, or null. */
    public static HealthEvent of(String tenantName, String connectionId, String accountId, String roleArn,
                                 HealthStatus status, HealthStatus previous, List<Check> checks,
                                 Map<String, Object> lastDelivery, Instant checkedAt) {
        List<Map<String, Object>> checkList = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Check c : checks) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", c.name());
            item.put("result", c.result().name());
            if (c.state() != null) {
                item.put("state", c.state().name());
            }
            item.put("detail", Text.truncateUtf8(c.detail(), MAX_DETAIL_BYTES));
            checkList.add(item);
            if (c.result() == Check.Result.FAIL) {
                failed.add(c.name());
            }
        }
        String eventId = eventId(connectionId, checkedAt);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "connection.health");
        body.put("eventId", eventId);
        putPresent(body, "connection", bounded(connectionId));
        putPresent(body, "tenant", tenantName == null ? null : Text.truncateUtf8(tenantName, MAX_NAME_BYTES));
        putPresent(body, "accountId", bounded(accountId));
        putPresent(body, "roleArn", bounded(roleArn));
        body.put("status", status.name());
        if (previous != null) {
            body.put("previousStatus", previous.name());
        }
        body.put("checks", checkList);
        if (lastDelivery != null) {
            Map<String, Object> delivery = new LinkedHashMap<>();
            lastDelivery.forEach((k, v) -> putPresent(delivery, k, v instanceof String text ? bounded(text) : v));
            body.put("lastDelivery", delivery);
        }
        body.put("checkedAt", checkedAt.truncatedTo(ChronoUnit.SECONDS).toString());

        String change = previous == null ? "first check" : previous == status ? "still " + status : "was " + previous;
        String subject = SnsSubject.of("CostLink " + status + ": ", tenantName, " account " + accountId + " (" + change
                + (failed.isEmpty() ? "" : "; failed " + String.join(", ", failed)) + ")");
        Map<String, String> attributes = new LinkedHashMap<>();
        attribute(attributes, "status", status.name());
        attribute(attributes, "accountId", accountId);
        attribute(attributes, "failedChecks", failed.isEmpty() ? "none" : String.join(",", failed));
        return new HealthEvent(eventId, subject, Json.writeString(body), attributes);
    }

    /** {@code health_} and 32 hex digits of SHA-256 over the connection id and the verification time (seconds). */
    static String eventId(String connectionId, Instant checkedAt) {
        return "health_" + CallbackSignature.sha256Hex(connectionId + "\n" + checkedAt.getEpochSecond()).substring(0, 32);
    }

    private static void putPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String bounded(String value) {
        return value == null ? null : Text.truncateUtf8(value, MAX_VALUE_BYTES);
    }

    /** SNS refuses an attribute whose value is empty: such an attribute is left out. */
    private static void attribute(Map<String, String> attributes, String name, String value) {
        if (value != null && !value.isEmpty()) {
            attributes.put(name, bounded(value));
        }
    }
}
