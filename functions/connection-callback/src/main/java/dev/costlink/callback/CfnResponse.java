package dev.costlink.callback;

import dev.costlink.common.Json;
import dev.costlink.common.Text;
import java.util.LinkedHashMap;
import java.util.Map;

/** The answer to one request, serialised within CloudFormation's 4096-byte limit. */
public record CfnResponse(boolean success, String reason, String physicalResourceId, Map<String, String> data) {
    static final int MAX_BODY_BYTES = 4096;
    static final int MAX_REASON_BYTES = 1024;
    static final int MAX_DATA_VALUE_BYTES = 512;

    public static CfnResponse success(String physicalResourceId, Map<String, String> data) {
        return new CfnResponse(true, null, physicalResourceId, data);
    }

    public static CfnResponse failed(String physicalResourceId, String reason) {
        return new CfnResponse(false, reason, physicalResourceId, Map.of());
    }

    /** The JSON body for {@code request}: Reason and Data values truncated, Data dropped if it still does not fit. */
    public byte[] body(CustomResourceRequest request) {
        byte[] full = serialise(request, MAX_REASON_BYTES, data);
        if (full.length <= MAX_BODY_BYTES) {
            return full;
        }
        byte[] withoutData = serialise(request, MAX_REASON_BYTES, Map.of());
        if (withoutData.length <= MAX_BODY_BYTES) {
            return withoutData;
        }
        return serialise(request, 256, Map.of());
    }

    private byte[] serialise(CustomResourceRequest request, int maxReasonBytes, Map<String, String> values) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Status", success ? "SUCCESS" : "FAILED");
        if (reason != null && !reason.isEmpty()) {
            body.put("Reason", Text.truncateUtf8(reason, maxReasonBytes));
        }
        body.put("PhysicalResourceId", Text.truncateUtf8(physicalResourceId, 1024));
        body.put("StackId", request.stackId());
        body.put("RequestId", request.requestId());
        body.put("LogicalResourceId", request.logicalResourceId());
        body.put("NoEcho", false);
        if (!values.isEmpty()) {
            Map<String, String> bounded = new LinkedHashMap<>();
            values.forEach((k, v) -> bounded.put(k, Text.truncateUtf8(v, MAX_DATA_VALUE_BYTES)));
            body.put("Data", bounded);
        }
        return Json.write(body);
    }
}
