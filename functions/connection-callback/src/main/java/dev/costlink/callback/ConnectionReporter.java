package dev.costlink.callback;

import dev.costlink.common.CallbackUrl;
import dev.costlink.common.Deadline;
import dev.costlink.common.JsonLog;
import dev.costlink.common.VendorClient;
import dev.costlink.common.VendorOutcome;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides the answer to one request. Create and Update report the connection and honour the FailureMode; Delete makes
 * one best-effort report and always succeeds; a stack that is rolling back is never failed by the vendor's state.
 */
public final class ConnectionReporter {
    static final String DELIVERED = "DELIVERED";

    private final VendorClient vendor;
    private final StackStatus stackStatus;
    private final Clock clock;
    private final JsonLog log;

    public ConnectionReporter(VendorClient vendor, StackStatus stackStatus, Clock clock, JsonLog log) {
        this.vendor = vendor;
        this.stackStatus = stackStatus;
        this.clock = clock;
        this.log = log;
    }

    /** {@code workDeadline} bounds Create/Update retries; {@code deleteBudgetMillis} bounds the Delete notice. */
    public CfnResponse handle(CustomResourceRequest request, Deadline workDeadline, long deleteBudgetMillis) {
        String type = request.requestType();
        if (type.equals("Delete")) {
            return delete(request, workDeadline.capped(deleteBudgetMillis));
        }
        if (!request.problems().isEmpty()) {
            return CfnResponse.failed(fallbackId(request),
                    "Invalid request: missing " + String.join(", ", request.problems()));
        }
        if (!type.equals("Create") && !type.equals("Update")) {
            return CfnResponse.failed(fallbackId(request),
                    "Unsupported RequestType '" + type + "': expected Create, Update or Delete");
        }
        ConnectionProperties props;
        StackArn stack;
        try {
            props = ConnectionProperties.from(request.properties());
            stack = StackArn.parse(request.stackId());
        } catch (IllegalArgumentException e) {
            return CfnResponse.failed(fallbackId(request), "Invalid ResourceProperties: " + e.getMessage());
        }
        return report(request, props, stack, workDeadline);
    }

    private CfnResponse report(CustomResourceRequest request, ConnectionProperties props, StackArn stack,
                               Deadline deadline) {
        String connectionId = Identifiers.connectionId(stack.accountId(), props.roleArn());
        boolean sameConnection = connectionId.equals(request.physicalResourceId());
        String eventType = request.requestType().equals("Update") && sameConnection
                ? ConnectionEvent.UPDATED : ConnectionEvent.CREATED;
        String eventId = Identifiers.idempotencyKey(request);
        byte[] body = ConnectionEvent.body(eventType, eventId, clock.instant(), props, stack, request.stackId());

        VendorOutcome outcome = vendor.post(props.callbackUrl(), props.externalId(), eventId, body, deadline, true);
        log.info("vendor callback finished", "event", eventType, "eventId", eventId, "connectionId", connectionId,
                "vendor", CallbackUrl.redacted(props.callbackUrl()), "outcome", outcome.kind().name(),
                "httpStatus", outcome.status(), "attempts", outcome.attempts());
        if (outcome.delivered()) {
            return CfnResponse.success(connectionId, data(props, connectionId, eventId, DELIVERED));
        }
        String problem = "Could not report the connection to the vendor: " + outcome.describe();
        if (props.failureMode() == ConnectionProperties.FailureMode.COMPLETE_WITH_WARNING) {
            return CfnResponse.success(connectionId, data(props, connectionId, eventId, "NOT DELIVERED. " + problem));
        }
        if (request.requestType().equals("Update") && rollingBackOrUnknown(request.stackId())) {
            return CfnResponse.success(connectionId, data(props, connectionId, eventId,
                    "NOT DELIVERED during rollback. " + problem));
        }
        return CfnResponse.failed(connectionId, problem);
    }

    /** An Update that fails during a rollback strands the stack in UPDATE_ROLLBACK_FAILED: never risk it. */
    private boolean rollingBackOrUnknown(String stackId) {
        try {
            return stackStatus.rollingBack(stackId);
        } catch (RuntimeException e) {
            log.warn("cannot tell whether the stack is rolling back; completing rather than risking a stuck rollback",
                    "error", e.getClass().getSimpleName());
            return true;
        }
    }

    private CfnResponse delete(CustomResourceRequest request, Deadline deadline) {
        String physicalId = request.physicalResourceId() != null ? request.physicalResourceId() : fallbackId(request);
        if (!Identifiers.isReportedConnection(request.physicalResourceId())) {
            log.info("delete of a resource this function never reported: nothing to tell the vendor",
                    "physicalResourceId", physicalId);
            return CfnResponse.success(physicalId, Map.of());
        }
        try {
            ConnectionProperties props = ConnectionProperties.from(request.properties());
            StackArn stack = StackArn.parse(request.stackId());
            String eventId = Identifiers.idempotencyKey(request);
            byte[] body = ConnectionEvent.body(ConnectionEvent.DELETED, eventId, clock.instant(), props, stack,
                    request.stackId());
            VendorOutcome outcome = vendor.post(props.callbackUrl(), props.externalId(), eventId, body, deadline, false);
            log.info("vendor delete notice finished", "eventId", eventId, "connectionId", physicalId,
                    "outcome", outcome.kind().name(), "httpStatus", outcome.status());
        } catch (RuntimeException e) {
            log.warn("delete notice not sent; the stack deletes anyway", "error", e.getMessage());
        }
        return CfnResponse.success(physicalId, Map.of());
    }

    private static String fallbackId(CustomResourceRequest request) {
        return request.physicalResourceId() != null ? request.physicalResourceId()
                : Identifiers.unreportedId(request.stackId(), request.logicalResourceId());
    }

    private static Map<String, String> data(ConnectionProperties p, String connectionId, String eventId, String status) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("CallbackStatus", status);
        data.put("ConnectionId", connectionId);
        data.put("EventId", eventId);
        data.put("RoleArn", p.roleArn());
        put(data, "BucketName", p.bucket());
        put(data, "CurVersion", p.curVersion());
        put(data, "ExportName", p.exportName());
        put(data, "ExportArn", p.exportArn());
        put(data, "CarbonExportName", p.carbonExportName());
        put(data, "CarbonExportArn", p.carbonExportArn());
        data.put("PermissionSets", String.join(",", p.permissionSets()));
        return data;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
