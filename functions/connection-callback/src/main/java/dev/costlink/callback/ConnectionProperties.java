package dev.costlink.callback;

import dev.costlink.common.CallbackUrl;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The custom resource's properties: where to report, the secret to sign with, and the facts of the connection. */
public record ConnectionProperties(
        URI callbackUrl,
        String externalId,
        FailureMode failureMode,
        String roleArn,
        String accountType,
        String deploymentScenario,
        String bucket,
        String curVersion,
        String exportName,
        String exportArn,
        String carbonExportName,
        String carbonExportArn,
        String curPrefix,
        String carbonPrefix,
        List<String> permissionSets) {

    /** What a callback that never succeeded does to the stack. */
    public enum FailureMode { FAIL_STACK, COMPLETE_WITH_WARNING }

    public static ConnectionProperties from(Map<String, String> p) {
        List<String> missing = new ArrayList<>();
        for (String key : List.of("CallbackUrl", "ExternalId", "RoleArn")) {
            if (blank(p.get(key))) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("ResourceProperties is missing " + String.join(", ", missing));
        }
        return new ConnectionProperties(
                CallbackUrl.parse(p.get("CallbackUrl")),
                p.get("ExternalId"),
                failureMode(p.get("FailureMode")),
                p.get("RoleArn"),
                opt(p, "AccountType"), opt(p, "DeploymentScenario"), opt(p, "BucketName"), opt(p, "CurVersion"),
                opt(p, "ExportName"), opt(p, "ExportArn"), opt(p, "CarbonExportName"), opt(p, "CarbonExportArn"),
                opt(p, "CurPrefix"), opt(p, "CarbonPrefix"),
                blank(p.get("PermissionSets")) ? List.of()
                        : Arrays.stream(p.get("PermissionSets").split(",")).map(String::trim)
                                .filter(s -> !s.isEmpty()).toList());
    }

    static FailureMode failureMode(String value) {
        if (blank(value) || value.equals("FailStack")) {
            return FailureMode.FAIL_STACK;
        }
        if (value.equals("CompleteWithWarning")) {
            return FailureMode.COMPLETE_WITH_WARNING;
        }
        throw new IllegalArgumentException("FailureMode must be FailStack or CompleteWithWarning");
    }

    private static String opt(Map<String, String> p, String key) {
        return blank(p.get(key)) ? null : p.get(key);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
