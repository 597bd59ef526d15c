package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decision table of docs/callback-contract.md, row by row. */
class AnswerPolicyTest {
    private static final String STACK = "arn:aws:cloudformation:us-east-1:111122223333:stack/s/1";
    private static final String ROLE = "arn:aws:iam::111122223333:role/r";

    private static ConnectionRequest request(String type, String failureMode, boolean validProperties) {
        Map<String, Object> props = new HashMap<>(Map.of("CallbackUrl", "https://vendor.example.com/cb",
                "ExternalId", "x", "FailureMode", failureMode));
        if (validProperties) {
            props.put("RoleArn", ROLE);
        }
        return ConnectionRequest.read(new CustomResourceRequest(type, URI.create("https://s3.example.com/r"), STACK,
                "r1", "ConnectionCallback", type.equals("Create") ? null : "costlink-111122223333-0123456789abcdef",
                props, Map.of(), List.of()));
    }

    private static Outcome outcome(String kind) {
        return switch (kind) {
            case "told" -> Outcome.told();
            case "notTold" -> Outcome.notTold("vendor said no");
            default -> Outcome.invalid("Invalid ResourceProperties: ResourceProperties is missing RoleArn");
        };
    }

    private static BooleanSupplier rollback(String state) {
        return switch (state) {
            case "rollingBack", "unknown" -> () -> true;
            case "notRollingBack" -> () -> false;
            default -> () -> fail("the stack status does not matter here");
        };
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} -> {4} {5}")
    @CsvSource(delimiter = '|', textBlock = """
            Delete | told    | FailStack           | -              | SUCCESS |
            Delete | notTold | FailStack           | -              | SUCCESS |
            Delete | invalid | FailStack           | -              | SUCCESS |
            Create | told    | FailStack           | -              | SUCCESS | DELIVERED
            Create | notTold | FailStack           | -              | FAILED  |
            Create | notTold | CompleteWithWarning | -              | SUCCESS | NOT DELIVERED. vendor said no
            Create | invalid | CompleteWithWarning | -              | FAILED  |
            Create | invalid | FailStack           | -              | FAILED  |
            Update | told    | FailStack           | -              | SUCCESS | DELIVERED
            Update | notTold | CompleteWithWarning | -              | SUCCESS | NOT DELIVERED. vendor said no
            Update | notTold | FailStack           | notRollingBack | FAILED  |
            Update | notTold | FailStack           | rollingBack    | SUCCESS | NOT DELIVERED during rollback. vendor said no
            Update | notTold | FailStack           | unknown        | SUCCESS | NOT DELIVERED during rollback. vendor said no
            Update | invalid | CompleteWithWarning | notRollingBack | FAILED  |
            Update | invalid | FailStack           | rollingBack    | SUCCESS | NOT DELIVERED during rollback. Invalid ResourceProperties: ResourceProperties is missing RoleArn
            Update | invalid | CompleteWithWarning | unknown        | SUCCESS | NOT DELIVERED during rollback. Invalid ResourceProperties: ResourceProperties is missing RoleArn
            """)
    void decides(String type, String kind, String failureMode, String stack, String status, String callbackStatus) {
        ConnectionRequest request = request(type, failureMode, !kind.equals("invalid"));
        CfnResponse response = AnswerPolicy.answer(request, outcome(kind), rollback(stack));
        assertEquals(status, response.success() ? "SUCCESS" : "FAILED");
        assertEquals(request.physicalResourceId(), response.physicalResourceId());
        if (type.equals("Delete")) {
            assertEquals(Map.of(), response.data());
        } else if (response.success()) {
            assertEquals(callbackStatus, response.data().get("CallbackStatus"));
            assertEquals(request.physicalResourceId(), response.data().get("ConnectionId"));
            assertNull(response.reason());
        } else {
            assertEquals(outcome(kind).reason(), response.reason());
            assertFalse(response.data().containsKey("CallbackStatus"));
        }
    }
}
