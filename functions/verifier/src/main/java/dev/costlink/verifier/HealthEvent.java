package dev.costlink.verifier;

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
 */
public record HealthEvent(String subject, String message, Map<String, String> attributes) {
    static final int MAX_SUBJECT = 100;

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
            item.put("detail", c.detail());
            checkList.add(item);
            if (c.result() == Check.Result.FAIL) {
                failed.add(c.name());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "connection.health");
        body.put("connection", connectionId);
        body.put("tenant", tenantName);
        body.put("accountId", accountId);
        body.put("roleArn", roleArn);
        body.put("status", status.name());
        if (previous != null) {
            body.put("previousStatus", previous.name());
        }
        body.put("checks", checkList);
        if (lastDelivery != null) {
            body.put("lastDelivery", lastDelivery);
        }
        body.put("checkedAt", checkedAt.truncatedTo(ChronoUnit.SECONDS).toString());

        String change = previous == null ? "first check" : previous == status ? "still " + status : "was " + previous;
        String subject = Text.truncate("CostLink " + status + ": " + tenantName + " account " + accountId + " (" + change
                + (failed.isEmpty() ? "" : "; failed " + String.join(", ", failed)) + ")", MAX_SUBJECT);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("status", status.name());
        attributes.put("accountId", accountId);
        attributes.put("failedChecks", failed.isEmpty() ? "none" : String.join(",", failed));
        return new HealthEvent(subject.replaceAll("[\\r\\n]", " "), Json.writeString(body), attributes);
    }
}
