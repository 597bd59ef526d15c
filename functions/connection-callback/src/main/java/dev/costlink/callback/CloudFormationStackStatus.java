package dev.costlink.callback;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** Reads the stack's status with DescribeStacks. The client is created on first use only: most requests never need it. */
public final class CloudFormationStackStatus implements StackStatus {
    private final Lazy<CloudFormationClient> client =
            new Lazy<>(() -> AwsClients.configure(CloudFormationClient.builder()).build());

    @Override
    public boolean rollingBack(String stackId) {
        Stack stack = client.get().describeStacks(r -> r.stackName(stackId)).stacks().get(0);
        return stack.stackStatusAsString().contains("ROLLBACK_IN_PROGRESS");
    }

}
