package dev.costlink.callback;

import dev.costlink.callback.ConnectionProperties.FailureMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The one decision of what CloudFormation is told. The normal answer, a vendor that refused or could not be reached,
 * the deadline guard, the exception net and invalid properties all end here, so FailureMode and the rollback rule
 * cannot be forgotten on any path (the table is in docs/callback-contract.md):
 * <ul>
 *   <li>Delete always succeeds.</li>
 *   <li>Told: SUCCESS, CallbackStatus DELIVERED.</li>
 *   <li>Not told, with CompleteWithWarning: SUCCESS, CallbackStatus says why.</li>
 *   <li>An Update not told or invalid while the stack rolls back, or when that is not known: SUCCESS with the warning
 *       (FAILED would strand the stack in UPDATE_ROLLBACK_FAILED).</li>
 *   <li>Anything else: FAILED with the reason. Invalid properties fail a Create even with CompleteWithWarning: they
 *       are a template error the administrator must see, not a vendor outage.</li>
 * </ul>
 */
final class AnswerPolicy {
    static final String DELIVERED = "DELIVERED";

    private AnswerPolicy() {}

    /** {@code rollingBackOrUnknown} is asked only for an Update whose answer depends on it. */
    static CfnResponse answer(ConnectionRequest request, Outcome outcome, BooleanSupplier rollingBackOrUnknown) {
        if (request.type().equals("Delete")) {
            return CfnResponse.success(request.physicalResourceId(), Map.of());
        }
        if (outcome.kind() == Outcome.Kind.TOLD) {
            return success(request, DELIVERED);
        }
        if (outcome.kind() == Outcome.Kind.NOT_TOLD && request.failureMode() == FailureMode.COMPLETE_WITH_WARNING) {
            return success(request, "NOT DELIVERED. " + outcome.reason());
        }
        if (request.type().equals("Update") && rollingBackOrUnknown.getAsBoolean()) {
            return success(request, "NOT DELIVERED during rollback. " + outcome.reason());
        }
        return CfnResponse.failed(request.physicalResourceId(), outcome.reason());
    }

    /** Every SUCCESS carries CallbackStatus: the stack's output reads it with Fn::GetAtt. */
    private static CfnResponse success(ConnectionRequest request, String callbackStatus) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("CallbackStatus", callbackStatus);
        data.put("ConnectionId", request.physicalResourceId());
        if (request.properties() != null) {
            ConnectionFacts facts = request.properties().facts();
            data.put("EventId", request.eventId());
            data.put("RoleArn", facts.roleArn());
            put(data, "BucketName", facts.billing().bucket());
            put(data, "CurVersion", facts.billing().curVersion());
            put(data, "ExportName", facts.billing().cur().name());
            put(data, "ExportArn", facts.billing().cur().arn());
            put(data, "CarbonExportName", facts.billing().carbon().name());
            put(data, "CarbonExportArn", facts.billing().carbon().arn());
            data.put("PermissionSets", String.join(",", facts.permissionSets()));
        }
        return CfnResponse.success(request.physicalResourceId(), data);
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
