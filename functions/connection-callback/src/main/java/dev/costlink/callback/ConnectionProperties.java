package dev.costlink.callback;

import dev.costlink.common.CallbackUrl;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The custom resource's properties: where to report, the secret to sign with, and the facts of the connection. Every
 * property is a string except PermissionSets, which may also be a list; a value of another JSON type, or one the
 * callback contract does not allow, is refused by name (never quoted), so no event the contract forbids is ever sent.
 */
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

    // The value rules of docs/callback-openapi.yaml's Connection schema.
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/");
    private static final Pattern EXPORT_ARN = Pattern.compile("arn:aws[a-z-]*:(bcm-data-exports|cur):");
    private static final Pattern CARBON_EXPORT_ARN = Pattern.compile("arn:aws[a-z-]*:bcm-data-exports:");
    private static final List<String> ACCOUNT_TYPES = List.of("Root", "Linked");
    private static final List<String> SCENARIOS = List.of(
            "NewBucketNewExport", "ExistingBucketNewExport", "ExistingBucketExistingExport", "LinkedAccount");
    private static final List<String> CUR_VERSIONS = List.of("CUR2", "CUR1");

    /** Reads every property, and refuses with one message naming each property that is wrong. */
    public static ConnectionProperties from(Map<String, ?> p) {
        Reader r = new Reader(p);
        String callbackUrl = r.required("CallbackUrl");
        String externalId = r.required("ExternalId");
        String roleArn = r.required("RoleArn");
        URI url = null;
        if (callbackUrl != null) {
            try {
                url = CallbackUrl.parse(callbackUrl);
            } catch (IllegalArgumentException e) {
                r.problems.add(e.getMessage());
            }
        }
        r.check("RoleArn", roleArn, ROLE_ARN, "an IAM role ARN");
        ConnectionProperties props = new ConnectionProperties(url, externalId,
                failureMode(r),
                roleArn,
                r.oneOf("AccountType", ACCOUNT_TYPES), r.oneOf("DeploymentScenario", SCENARIOS),
                r.optional("BucketName"), r.oneOf("CurVersion", CUR_VERSIONS), r.optional("ExportName"),
                r.matching("ExportArn", EXPORT_ARN, "a BCM Data Exports or CUR report ARN"),
                r.optional("CarbonExportName"),
                r.matching("CarbonExportArn", CARBON_EXPORT_ARN, "a BCM Data Exports ARN"),
                r.optional("CurPrefix"), r.optional("CarbonPrefix"),
                r.permissionSets());
        if (r.failed()) {
            throw new IllegalArgumentException(r.message());
        }
        return props;
    }

    private static FailureMode failureMode(Reader r) {
        String value = r.oneOf("FailureMode", List.of("FailStack", "CompleteWithWarning"));
        return "CompleteWithWarning".equals(value) ? FailureMode.COMPLETE_WITH_WARNING : FailureMode.FAIL_STACK;
    }

    /** Reads typed values, collecting every problem instead of stopping at the first. */
    private static final class Reader {
        private final Map<String, ?> properties;
        private final List<String> missing = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, ?> properties) {
            this.properties = properties;
        }

        String required(String key) {
            Object raw = properties.get(key);
            if (raw == null || raw instanceof String text && text.isBlank()) {
                missing.add(key);
            }
            return optional(key);
        }

        boolean failed() {
            return !missing.isEmpty() || !problems.isEmpty();
        }

        String message() {
            List<String> all = new ArrayList<>();
            if (!missing.isEmpty()) {
                all.add("ResourceProperties is missing " + String.join(", ", missing));
            }
            all.addAll(problems);
            return String.join("; ", all);
        }

        /** A string, or null when absent or blank (absent facts are omitted, never sent empty). */
        String optional(String key) {
            Object value = properties.get(key);
            if (value == null) {
                return null;
            }
            if (!(value instanceof String text)) {
                problems.add(key + " must be a string");
                return null;
            }
            return text.isBlank() ? null : text;
        }

        String oneOf(String key, List<String> allowed) {
            String value = optional(key);
            if (value != null && !allowed.contains(value)) {
                problems.add(key + " must be one of " + String.join(", ", allowed));
                return null;
            }
            return value;
        }

        String matching(String key, Pattern pattern, String what) {
            String value = optional(key);
            check(key, value, pattern, what);
            return value;
        }

        void check(String key, String value, Pattern pattern, String what) {
            if (value != null && !pattern.matcher(value).lookingAt()) {
                problems.add(key + " is not " + what);
            }
        }

        List<String> permissionSets() {
            try {
                return PermissionSets.parse(properties.get("PermissionSets"));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return List.of();
            }
        }
    }
}
