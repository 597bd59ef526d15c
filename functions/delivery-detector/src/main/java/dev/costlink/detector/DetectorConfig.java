package dev.costlink.detector;

import dev.costlink.common.CallbackUrl;
import dev.costlink.common.StackFunctionRoles;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The detector's configuration, from the environment the template sets. It holds no ExternalId: delivery events are
 * proven by the detector's own role (docs/security.md) and name their stack, which the vendor maps to its tenant.
 */
public record DetectorConfig(String bucket, List<String> prefixes, URI callbackUrl, String stackId, int concurrency) {

    public static DetectorConfig from(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (String name : List.of("COSTLINK_BUCKET", "COSTLINK_CALLBACK_URL", "COSTLINK_STACK_ID")) {
            if (env.get(name) == null || env.get(name).isBlank()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("delivery detector is not configured: " + String.join(", ", missing)
                    + " must be set");
        }
        String stackId = env.get("COSTLINK_STACK_ID").trim();
        if (StackFunctionRoles.stackUuid(stackId) == null) {
            throw new IllegalStateException("delivery detector is not configured: COSTLINK_STACK_ID must be the "
                    + "connection stack's ARN");
        }
        List<String> prefixes = Arrays.stream(env.getOrDefault("COSTLINK_REPORT_PREFIXES", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        int concurrency = 16;
        String c = env.get("COSTLINK_MAX_CONCURRENCY");
        if (c != null && !c.isBlank()) {
            concurrency = Math.max(1, Math.min(64, Integer.parseInt(c.trim())));
        }
        return new DetectorConfig(env.get("COSTLINK_BUCKET"), prefixes, CallbackUrl.parse(env.get("COSTLINK_CALLBACK_URL")),
                stackId, concurrency);
    }
}
