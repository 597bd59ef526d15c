package dev.costlink.callback;

import dev.costlink.common.AwsClients;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** Reads the stack's status with DescribeStacks. The client is created on first use only: most requests never need it. */
public final class CloudFormationStackStatus implements StackStatus {
    private volatile CloudFormationClient client;

    @Override
    public boolean rollingBack(String stackId) {
        Stack stack = client().describeStacks(r -> r.stackName(stackId)).stacks().get(0);
        return stack.stackStatusAsString().contains("ROLLBACK_IN_PROGRESS");
    }

    private CloudFormationClient client() {
        CloudFormationClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = AwsClients.configure(CloudFormationClient.builder()).build();
                }
                c = client;
            }
        }
        return c;
    }
}
