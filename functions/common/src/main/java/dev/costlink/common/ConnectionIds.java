package dev.costlink.common;

/**
 * The connection id: the PhysicalResourceId the customer sees in CloudFormation, and what the vendor's health events
 * name. Derived (never stored by the callback) from the connection's identity, so it is stable for the life of a
 * connection and changes only with its account or role.
 */
public final class ConnectionIds {
    private ConnectionIds() {}

    /** {@code costlink-<account>-<first 16 hex digits of SHA-256(role ARN)>}. */
    public static String of(String accountId, String roleArn) {
        return "costlink-" + accountId + "-" + CallbackSignature.sha256Hex(roleArn).substring(0, 16);
    }
}
