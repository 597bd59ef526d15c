package dev.costlink.callback;

import dev.costlink.common.CallbackUrl;
import dev.costlink.common.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One CloudFormation custom resource request. Property values are kept as the JSON holds them: CloudFormation passes
 * strings, and lists for list-typed template values; {@link ConnectionProperties} decides what each property accepts.
 * {@link #problems()} lists what is missing or wrong while the request can still be answered.
 */
public record CustomResourceRequest(
        String requestType,
        URI responseUrl,
        String stackId,
        String requestId,
        String logicalResourceId,
        String physicalResourceId,
        Map<String, Object> properties,
        Map<String, Object> oldProperties,
        List<String> problems) {

    /** The event cannot be answered at all: it is not JSON, or names no usable ResponseURL. */
    public static final class UnanswerableRequestException extends IllegalArgumentException {
        public UnanswerableRequestException(String message) {
            super(message);
        }
    }

    public static CustomResourceRequest parse(byte[] raw) {
        Map<String, Object> event;
        try {
            event = Json.parseObject(raw);
        } catch (IllegalArgumentException e) {
            throw new UnanswerableRequestException("not a CloudFormation custom resource request: " + e.getMessage());
        }
        Object url = event.get("ResponseURL");
        if (!(url instanceof String responseUrl) || responseUrl.isBlank()) {
            throw new UnanswerableRequestException("not a CloudFormation custom resource request: no ResponseURL to answer");
        }
        URI responseUri;
        try {
            responseUri = CallbackUrl.parse(responseUrl);
        } catch (IllegalArgumentException e) {
            throw new UnanswerableRequestException("ResponseURL is unusable: "
                    + e.getMessage().replace("CallbackUrl", "ResponseURL"));
        }
        List<String> problems = new ArrayList<>();
        String requestType = text(event, "RequestType", problems);
        String stackId = text(event, "StackId", problems);
        String requestId = text(event, "RequestId", problems);
        String logicalId = text(event, "LogicalResourceId", problems);
        Object physical = event.get("PhysicalResourceId");
        Map<String, Object> props = object(event.get("ResourceProperties"));
        if (props == null) {
            problems.add("ResourceProperties");
            props = Map.of();
        }
        Map<String, Object> old = object(event.get("OldResourceProperties"));
        return new CustomResourceRequest(requestType, responseUri, stackId, requestId, logicalId,
                physical instanceof String s && !s.isBlank() ? s : null, props, old == null ? Map.of() : old,
                List.copyOf(problems));
    }

    private static String text(Map<String, Object> event, String key, List<String> problems) {
        Object v = event.get(key);
        if (v instanceof String s && !s.isBlank()) {
            return s;
        }
        problems.add(key);
        return "";
    }

    private static Map<String, Object> object(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(String.valueOf(k), v);
            }
        });
        return out;
    }
}
