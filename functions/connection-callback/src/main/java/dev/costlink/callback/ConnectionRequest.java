package dev.costlink.callback;

import dev.costlink.callback.ConnectionProperties.FailureMode;

/**
 * A request with its properties read once, on the handler thread before any I/O: what every answer needs (the
 * PhysicalResourceId, the FailureMode, the facts for Data) is known even when the work later hangs or fails.
 */
final class ConnectionRequest {
    private final CustomResourceRequest request;
    private final ConnectionProperties properties;
    private final StackArn stack;
    private final String problem;

    private ConnectionRequest(CustomResourceRequest request, ConnectionProperties properties, StackArn stack,
                              String problem) {
        this.request = request;
        this.properties = properties;
        this.stack = stack;
        this.problem = problem;
    }

    static ConnectionRequest read(CustomResourceRequest request) {
        String type = request.requestType();
        if (!request.problems().isEmpty()) {
            return invalid(request, "Invalid request: missing " + String.join(", ", request.problems()));
        }
        if (!type.equals("Create") && !type.equals("Update") && !type.equals("Delete")) {
            return invalid(request, "Unsupported RequestType: expected Create, Update or Delete");
        }
        StackArn stack;
        try {
            stack = StackArn.parse(request.stackId());
        } catch (IllegalArgumentException e) {
            return invalid(request, "Invalid request: " + e.getMessage());
        }
        try {
            return new ConnectionRequest(request, ConnectionProperties.from(request.properties()), stack, null);
        } catch (IllegalArgumentException e) {
            return invalid(request, "Invalid ResourceProperties: " + e.getMessage());
        } catch (RuntimeException e) {
            return invalid(request, "Invalid ResourceProperties: unreadable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ConnectionRequest invalid(CustomResourceRequest request, String problem) {
        return new ConnectionRequest(request, null, null, problem);
    }

    CustomResourceRequest request() {
        return request;
    }

    String type() {
        return request.requestType();
    }

    boolean valid() {
        return problem == null;
    }

    /** Why the request is invalid; null when it is valid. */
    String problem() {
        return problem;
    }

    /** Null when the request is invalid. */
    ConnectionProperties properties() {
        return properties;
    }

    /** Null when the request is invalid. */
    StackArn stack() {
        return stack;
    }

    /** FailStack unless the properties were read and say otherwise. */
    FailureMode failureMode() {
        return properties == null ? FailureMode.FAIL_STACK : properties.failureMode();
    }

    /**
     * The id every answer carries: the connection's own id for a readable Create or Update (it changes only with the
     * role), the id CloudFormation sent for a Delete or an unreadable request, an unreported id when it sent none.
     */
    String physicalResourceId() {
        if (valid() && !type().equals("Delete")) {
            return connectionId();
        }
        return request.physicalResourceId() != null ? request.physicalResourceId()
                : Identifiers.unreportedId(request.stackId(), request.logicalResourceId());
    }

    /** The id of the connection the properties describe, whatever the request type; the request must be valid. */
    String connectionId() {
        return Identifiers.connectionId(stack.accountId(), properties.facts().roleArn());
    }

    String eventId() {
        return Identifiers.idempotencyKey(request);
    }
}
