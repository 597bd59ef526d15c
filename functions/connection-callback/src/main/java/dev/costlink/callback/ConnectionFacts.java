package dev.costlink.callback;

import java.util.List;

/**
 * What a connection event reports about the connection (docs/callback-openapi.yaml's Connection), as the custom
 * resource's properties gave it; absent facts are null and are omitted from the event.
 */
public record ConnectionFacts(String roleArn, String accountType, String deploymentScenario, List<String> permissionSets,
                              Billing billing, OrganizationFacts organization) {

    /** One export or report: its name, its ARN (only when the stack created it) and the S3 prefix it writes under. */
    public record Export(String name, String arn, String prefix) {}

    /** A Root account's billing data: the bucket, the CUR version, its exports and the on-failure queue of deliveries. */
    public record Billing(String bucket, String curVersion, Export cur, Export carbon, Export focus,
                          String deliveryFailuresQueueUrl) {}
}
