package dev.costlink.callback;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.ConnectionIds;
import java.util.regex.Pattern;

/** PhysicalResourceIds and idempotency keys, derived (never stored) so that a repeated request gets the same ones. */
public final class Identifiers {
    private static final Pattern REPORTED = Pattern.compile("costlink-\\d{12}-[0-9a-f]{16}");

    private Identifiers() {}

    /** Stable for the life of a connection; changes only with its identity (account, role): {@link ConnectionIds}. */
    public static String connectionId(String accountId, String roleArn) {
        return ConnectionIds.of(accountId, roleArn);
    }

    /** For a request that could not be read well enough to name its connection; never reported to the vendor. */
    public static String unreportedId(String stackId, String logicalResourceId) {
        return "costlink-unreported-" + CallbackSignature.sha256Hex(stackId + "\n" + logicalResourceId).substring(0, 16);
    }

    /** True for ids this function issued for a connection it reported. */
    public static boolean isReportedConnection(String physicalResourceId) {
        return physicalResourceId != null && REPORTED.matcher(physicalResourceId).matches();
    }

    /** One logical event: CloudFormation's retries of a request share StackId, RequestId and LogicalResourceId. */
    public static String idempotencyKey(CustomResourceRequest request) {
        return "evt_" + CallbackSignature.sha256Hex(
                request.stackId() + "\n" + request.requestId() + "\n" + request.logicalResourceId()).substring(0, 40);
    }
}
