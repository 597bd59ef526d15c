package dev.costlink.callback;

import dev.costlink.callback.ConnectionFacts.Billing;
import dev.costlink.callback.ConnectionFacts.Export;
import dev.costlink.common.CallbackUrl;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The custom resource's properties: where to report, the secret to sign with, and the facts of the connection. Every
 * property is a string except PermissionSets and MemberPermissionSets, which may also be lists; a value of another JSON
 * type, or one the callback contract does not allow, is refused by name (never quoted), so no event the contract
 * forbids is ever sent.
 */
public record ConnectionProperties(URI callbackUrl, String externalId, FailureMode failureMode, ConnectionFacts facts) {

    /** What a callback that never succeeded does to the stack. */
    public enum FailureMode { FAIL_STACK, COMPLETE_WITH_WARNING }

    // The value rules of docs/callback-openapi.yaml's Connection and Organization schemas.
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/");
    private static final Pattern EXPORT_ARN = Pattern.compile("arn:aws[a-z-]*:(bcm-data-exports|cur):");
    private static final Pattern DATA_EXPORT_ARN = Pattern.compile("arn:aws[a-z-]*:bcm-data-exports:");
    private static final Pattern QUEUE_URL = Pattern.compile("https://[A-Za-z0-9.-]+/[0-9]{12}/[A-Za-z0-9_-]{1,80}$");
    private static final Pattern TARGET = Pattern.compile("ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}");
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9_+=,.@-]{1,64}");
    private static final List<String> ACCOUNT_TYPES = List.of("Root", "Linked");
    private static final List<String> SCENARIOS = List.of(
            "NewBucketNewExport", "ExistingBucketNewExport", "ExistingBucketExistingExport", "LinkedAccount");
    private static final List<String> CUR_VERSIONS = List.of("CUR2", "CUR1");
    private static final List<String> DEPLOYMENT_ACCOUNTS = List.of("ManagementAccount", "DelegatedAdministrator");
    private static final List<String> ORGANIZATION_DETAILS = List.of(
            "OrganizationDeploymentAccount", "MemberStackSetId", "MemberRoleName", "MemberPermissionSets");

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
        FailureMode failureMode = failureMode(r);
        String accountType = r.oneOf("AccountType", ACCOUNT_TYPES);
        ConnectionFacts facts = new ConnectionFacts(roleArn, accountType, r.oneOf("DeploymentScenario", SCENARIOS),
                r.permissionSets("PermissionSets", PermissionSets.KNOWN), billing(r), organization(r, accountType));
        if (r.failed()) {
            throw new IllegalArgumentException(r.message());
        }
        return new ConnectionProperties(url, externalId, failureMode, facts);
    }

    private static FailureMode failureMode(Reader r) {
        String value = r.oneOf("FailureMode", List.of("FailStack", "CompleteWithWarning"));
        return "CompleteWithWarning".equals(value) ? FailureMode.COMPLETE_WITH_WARNING : FailureMode.FAIL_STACK;
    }

    private static Billing billing(Reader r) {
        return new Billing(r.optional("BucketName"), r.oneOf("CurVersion", CUR_VERSIONS),
                new Export(r.optional("ExportName"),
                        r.matching("ExportArn", EXPORT_ARN, "a BCM Data Exports or CUR report ARN"),
                        r.optional("CurPrefix")),
                new Export(r.optional("CarbonExportName"),
                        r.matching("CarbonExportArn", DATA_EXPORT_ARN, "a BCM Data Exports ARN"),
                        r.optional("CarbonPrefix")),
                new Export(r.optional("FocusExportName"),
                        r.matching("FocusExportArn", DATA_EXPORT_ARN, "a BCM Data Exports ARN"),
                        r.optional("FocusPrefix")),
                r.matching("DeliveryFailuresQueueUrl", QUEUE_URL, "an SQS queue URL"));
    }

    /** The organisation option: OrganizationTargets turns it on, and then every other organisation property is needed. */
    private static OrganizationFacts organization(Reader r, String accountType) {
        String targets = r.optional("OrganizationTargets");
        if (targets == null) {
            for (String key : ORGANIZATION_DETAILS) {
                if (r.present(key)) {
                    r.problems.add(key + " is given without OrganizationTargets");
                }
            }
            return null;
        }
        if ("Linked".equals(accountType)) {
            r.problems.add("OrganizationTargets is for a Root account's stack, not a Linked account's");
        }
        String deploymentAccount = r.required("OrganizationDeploymentAccount");
        if (deploymentAccount != null && !DEPLOYMENT_ACCOUNTS.contains(deploymentAccount)) {
            r.problems.add("OrganizationDeploymentAccount must be one of " + String.join(", ", DEPLOYMENT_ACCOUNTS));
        }
        String stackSetId = r.required("MemberStackSetId");
        String memberRoleName = r.required("MemberRoleName");
        if (memberRoleName != null && !ROLE_NAME.matcher(memberRoleName).matches()) {
            r.problems.add("MemberRoleName is not an IAM role name");
        }
        int problemsBefore = r.problems.size();
        List<String> memberSets = r.permissionSets("MemberPermissionSets", PermissionSets.MEMBER_KNOWN);
        if (!r.present("MemberPermissionSets")) {
            r.missing.add("MemberPermissionSets");
        } else if (memberSets.isEmpty() && r.problems.size() == problemsBefore) {
            r.problems.add("MemberPermissionSets names no permission set");
        }
        return new OrganizationFacts(deploymentAccount, stackSetId, targets(targets, r), memberRoleName, memberSets);
    }

    /** OU and root ids, comma-separated; blanks and repeats dropped, a malformed one refused by its position. */
    private static List<String> targets(String value, Reader r) {
        Set<String> ids = new LinkedHashSet<>();
        boolean malformed = false;
        int position = 0;
        for (String item : value.split(",", -1)) {
            position++;
            String id = item.trim();
            if (id.isEmpty()) {
                continue;
            }
            if (!TARGET.matcher(id).matches()) {
                r.problems.add("OrganizationTargets item " + position + " is not an OU id (ou-...) or a root id (r-...)");
                malformed = true;
                continue;
            }
            ids.add(id);
        }
        if (ids.isEmpty() && !malformed) {
            r.problems.add("OrganizationTargets names no OU or root id");
        }
        return List.copyOf(ids);
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

        /** Given, and not a blank string. */
        boolean present(String key) {
            Object raw = properties.get(key);
            return raw != null && !(raw instanceof String text && text.isBlank());
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

        List<String> permissionSets(String key, List<String> known) {
            try {
                return PermissionSets.parse(key, properties.get(key), known);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return List.of();
            }
        }
    }
}
