package dev.costlink.registry;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the registry requires of a parsed body before it touches the registry (docs/callback-contract.md): the
 * envelope (a connection event's tenant; every event's stack, in the event's own account), a connection whose role
 * lives in the event's own account, a delivery naming its kind and export
 * (its row count and format are optional: a large compressed CSV's rows are not counted, an unreadable manifest names
 * no format).
 * Problems are described by field, never by quoting the value.
 */
final class EventShape {
    static final Set<String> CONNECTION_TYPES = Set.of("connection.created", "connection.updated",
            "connection.deleted");
    static final Set<String> DELIVERY_TYPES = Set.of("delivery.completed", "delivery.invalid");
    static final Set<String> DELIVERY_KINDS = Set.of("CUR2", "CUR1", "CARBON", "FOCUS");
    static final Set<String> DELIVERY_FORMATS = Set.of("parquet", "csv-gzip", "csv-zip");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/.+");
    private static final Pattern STACK_ARN = Pattern.compile("arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:(\\d{12}):stack/.+");

    private EventShape() {}

    static boolean isConnection(Map<String, Object> event) {
        return CONNECTION_TYPES.contains(event.get("type"));
    }

    /** What is wrong with the body's shape, or null. */
    static String problem(Map<String, Object> e, String idempotencyKey) {
        Object type = e.get("type");
        if (!(type instanceof String t) || !(CONNECTION_TYPES.contains(t) || DELIVERY_TYPES.contains(t))) {
            return "type must be one of connection.created|updated|deleted, delivery.completed|invalid";
        }
        if (!idempotencyKey.equals(e.get("id"))) {
            return "id must equal the Idempotency-Key";
        }
        // A connection event names its tenant (bound by the HMAC); a delivery's tenant is its connection's.
        if ((CONNECTION_TYPES.contains(t) || e.containsKey("externalIdSha256"))
                && (!(e.get("externalIdSha256") instanceof String h) || !SHA256.matcher(h).matches())) {
            return "externalIdSha256 must be 64 lowercase hex digits";
        }
        if (!(e.get("accountId") instanceof String account) || !ACCOUNT.matcher(account).matches()) {
            return "accountId must be 12 digits";
        }
        if (!(e.get("occurredAt") instanceof String)) {
            return "occurredAt is required";
        }
        if (occurredAtMillis(e) == null) {
            return "occurredAt must be an ISO-8601 UTC time (2026-11-22T09:00:00.123Z)";
        }
        return CONNECTION_TYPES.contains(t) ? connectionProblem(e, account) : deliveryProblem(e, account);
    }

    private static String stackProblem(Map<String, Object> e, String account) {
        Matcher stackArn = e.get("stackId") instanceof String stack ? STACK_ARN.matcher(stack) : null;
        if (stackArn == null || !stackArn.matches()) {
            return "stackId must be a CloudFormation stack ARN";
        }
        if (!stackArn.group(1).equals(account)) {
            return "stackId names another account than accountId";
        }
        return null;
    }

    private static String connectionProblem(Map<String, Object> e, String account) {
        if (!(e.get("connection") instanceof Map<?, ?> c) || !(c.get("roleArn") instanceof String role)) {
            return "connection.roleArn is required";
        }
        Matcher roleArn = ROLE_ARN.matcher(role);
        if (!roleArn.matches()) {
            return "connection.roleArn must be an IAM role ARN";
        }
        if (!roleArn.group(1).equals(account)) {
            return "connection.roleArn names another account than accountId";
        }
        return stackProblem(e, account);
    }

    private static String deliveryProblem(Map<String, Object> e, String account) {
        String stackProblem = stackProblem(e, account);
        if (stackProblem != null) {
            return stackProblem;
        }
        if (!(e.get("delivery") instanceof Map<?, ?> d)) {
            return "delivery is required";
        }
        if (!DELIVERY_KINDS.contains(d.get("kind"))) {
            return "delivery.kind must be CUR2, CUR1, CARBON or FOCUS";
        }
        for (String field : new String[] {"bucket", "billingPeriod", "manifestKey", nameField(d.get("kind"))}) {
            if (!(d.get(field) instanceof String s) || s.isEmpty()) {
                return "delivery." + field + " is required";
            }
        }
        for (String field : new String[] {"fileCount", "totalBytes"}) {
            if (!(d.get(field) instanceof Number)) {
                return "delivery." + field + " must be a number";
            }
        }
        // Absent when counting would mean downloading a file (a large compressed CSV).
        if (d.containsKey("totalRows") && !(d.get("totalRows") instanceof Number)) {
            return "delivery.totalRows must be a number when present";
        }
        if (d.containsKey("format") && !DELIVERY_FORMATS.contains(d.get("format"))) {
            return "delivery.format must be parquet, csv-gzip or csv-zip when present";
        }
        return null;
    }

    /** The event's occurredAt in epoch milliseconds, or null when it is not an ISO-8601 UTC time. */
    static Long occurredAtMillis(Map<String, Object> e) {
        if (!(e.get("occurredAt") instanceof String text) || !text.endsWith("Z")) {
            return null;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException notATime) {
            return null;
        }
    }

    /** The delivery field naming its export: {@code reportName} for a CUR 1.0 report, else {@code exportName}. */
    static String nameField(Object kind) {
        return "CUR1".equals(kind) ? "reportName" : "exportName";
    }
}
