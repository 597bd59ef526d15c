package dev.costlink.common;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the registry tells a connection stack's own functions from any other identity (docs/security.md, "Which roles
 * may send"): template.yaml names the callback's and the detector's execution roles after the stack's unique id (the
 * UUID that ends its stack ARN), so the role an event was signed with names the stack it came from. Role names are
 * unique per account; 18 + 36 characters stay within IAM's 64.
 */
public final class StackFunctionRoles {
    public static final String CALLBACK_PREFIX = "costlink-callback-";
    public static final String DETECTOR_PREFIX = "costlink-detector-";
    private static final Pattern STACK_ID = Pattern.compile(
            "arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\\d{12}:stack/[^/]+/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    private StackFunctionRoles() {}

    /** The stack's unique id (lowercase UUID), or null when {@code stackId} is not a stack ARN ending in one. */
    public static String stackUuid(String stackId) {
        if (stackId == null) {
            return null;
        }
        Matcher m = STACK_ID.matcher(stackId);
        return m.matches() ? m.group(1) : null;
    }

    /** The callback's execution-role name of that stack, or null when {@code stackId} is not a stack ARN. */
    public static String callbackRole(String stackId) {
        String uuid = stackUuid(stackId);
        return uuid == null ? null : CALLBACK_PREFIX + uuid;
    }

    /** The detector's execution-role name of that stack, or null when {@code stackId} is not a stack ARN. */
    public static String detectorRole(String stackId) {
        String uuid = stackUuid(stackId);
        return uuid == null ? null : DETECTOR_PREFIX + uuid;
    }
}
