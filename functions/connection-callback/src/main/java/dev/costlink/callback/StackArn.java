package dev.costlink.callback;

/** The partition, region and account of a stack, read from its StackId ARN. */
public record StackArn(String partition, String region, String accountId) {
    public static StackArn parse(String stackId) {
        String[] parts = stackId == null ? new String[0] : stackId.split(":", 6);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("cloudformation")
                || !parts[4].matches("\\d{12}")) {
            throw new IllegalArgumentException("StackId is not a CloudFormation stack ARN");
        }
        return new StackArn(parts[1], parts[3], parts[4]);
    }
}
