package dev.costlink.callback;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The partition, region and account of a stack, read from its StackId ARN. Only values the callback contract allows
 * (docs/callback-openapi.yaml's Envelope) are accepted, so an event never carries one it forbids.
 */
public record StackArn(String partition, String region, String accountId) {
    private static final List<String> PARTITIONS = List.of("aws", "aws-cn", "aws-us-gov");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    public static StackArn parse(String stackId) {
        String[] parts = stackId == null ? new String[0] : stackId.split(":", 6);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("cloudformation")
                || !ACCOUNT.matcher(parts[4]).matches() || !REGION.matcher(parts[3]).matches()) {
            throw new IllegalArgumentException("StackId is not a CloudFormation stack ARN");
        }
        if (!PARTITIONS.contains(parts[1])) {
            throw new IllegalArgumentException("StackId's partition is not one the callback contract supports ("
                    + String.join(", ", PARTITIONS) + ")");
        }
        return new StackArn(parts[1], parts[3], parts[4]);
    }
}
