package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionPropertiesTest {
    private static Map<String, Object> valid() {
        return new HashMap<>(Map.of("CallbackUrl", "https://vendor.example.com/cb", "ExternalId", "ext-123",
                "RoleArn", "arn:aws:iam::111122223333:role/CostLink"));
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> p = valid();
        p.put(key, value);
        return p;
    }

    private static String refusal(Map<String, Object> p) {
        return assertThrows(IllegalArgumentException.class, () -> ConnectionProperties.from(p)).getMessage();
    }

    @Test
    void permissionSetsComeAsAStringOrAList() {
        assertEquals(List.of("core", "cur-bucket-read"),
                ConnectionProperties.from(with("PermissionSets", "core, cur-bucket-read")).permissionSets());
        assertEquals(List.of("core", "cur-bucket-read"),
                ConnectionProperties.from(with("PermissionSets", List.of("core", "cur-bucket-read"))).permissionSets());
        assertEquals(List.of("core", "tag-management"),
                ConnectionProperties.from(with("PermissionSets", List.of("core", " tag-management", "core", "")))
                        .permissionSets(), "trimmed, blanks and repeats dropped");
        assertEquals(List.of(), ConnectionProperties.from(with("PermissionSets", "")).permissionSets());
        assertEquals(List.of(), ConnectionProperties.from(valid()).permissionSets());
        assertEquals(PermissionSets.KNOWN, ConnectionProperties.from(with("PermissionSets", PermissionSets.KNOWN))
                .permissionSets());
    }

    @Test
    void aListFromTheEventIsReadAsAList() {
        String event = "{\"RequestType\":\"Create\",\"ResponseURL\":\"https://s3.example.com/r\",\"StackId\":\"s\","
                + "\"RequestId\":\"r\",\"LogicalResourceId\":\"L\",\"ResourceProperties\":{\"CallbackUrl\":"
                + "\"https://vendor.example.com/cb\",\"ExternalId\":\"e\",\"RoleArn\":"
                + "\"arn:aws:iam::111122223333:role/R\",\"PermissionSets\":[\"core\",\"cur-bucket-read\"]}}";
        CustomResourceRequest request = CustomResourceRequest.parse(event.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("core", "cur-bucket-read"), request.properties().get("PermissionSets"));
        assertEquals(List.of("core", "cur-bucket-read"),
                ConnectionProperties.from(request.properties()).permissionSets());
    }

    @Test
    void anUnknownPermissionSetIsRefusedByPositionNeverQuoted() {
        String message = refusal(with("PermissionSets", List.of("core", "root-access")));
        assertEquals("PermissionSets item 2 is not a known permission set (known: core, cur-bucket-read, "
                + "ec2-start-stop, commitment-purchase, tag-management, automation)", message);
        assertFalse(refusal(with("PermissionSets", "core,Admin-Secret")).contains("Admin-Secret"));
        assertEquals("PermissionSets item 1 is not a string", refusal(with("PermissionSets", List.of(1))));
        assertEquals("PermissionSets must be a list of names or a comma-separated string",
                refusal(with("PermissionSets", Map.of("core", true))));
    }

    @Test
    void otherPropertiesMustBeStrings() {
        assertEquals("ExternalId must be a string", refusal(with("ExternalId", 12345)));
        assertEquals("RoleArn must be a string", refusal(with("RoleArn", Map.of("Fn::GetAtt", "Role.Arn"))));
        assertEquals("BucketName must be a string", refusal(with("BucketName", List.of("a"))));
        assertEquals("FailureMode must be a string", refusal(with("FailureMode", true)));
    }

    @Test
    void valuesTheContractForbidsAreRefusedByName() {
        assertEquals("AccountType must be one of Root, Linked", refusal(with("AccountType", "Master")));
        assertEquals("CurVersion must be one of CUR2, CUR1", refusal(with("CurVersion", "CUR3")));
        assertEquals("DeploymentScenario must be one of NewBucketNewExport, ExistingBucketNewExport, "
                + "ExistingBucketExistingExport, LinkedAccount", refusal(with("DeploymentScenario", "Other")));
        assertEquals("RoleArn is not an IAM role ARN", refusal(with("RoleArn", "arn:aws:iam::111122223333:user/u")));
        assertEquals("ExportArn is not a BCM Data Exports or CUR report ARN",
                refusal(with("ExportArn", "arn:aws:s3:::bucket")));
        assertEquals("CarbonExportArn is not a BCM Data Exports ARN",
                refusal(with("CarbonExportArn", "arn:aws:cur:us-east-1:111122223333:definition/x")));
    }

    @Test
    void everyProblemIsNamedInOneMessage() {
        Map<String, Object> p = with("AccountType", "Master");
        p.remove("CallbackUrl");
        p.remove("ExternalId");
        p.put("PermissionSets", "core,nope");
        assertEquals("ResourceProperties is missing CallbackUrl, ExternalId; AccountType must be one of Root, Linked; "
                + "PermissionSets item 2 is not a known permission set (known: core, cur-bucket-read, ec2-start-stop, "
                + "commitment-purchase, tag-management, automation)", refusal(p));
    }

    @Test
    void blankFactsAreAbsentAndTheFailureModeDefaultsToFailStack() {
        ConnectionProperties p = ConnectionProperties.from(with("BucketName", " "));
        assertNull(p.bucket());
        assertEquals(ConnectionProperties.FailureMode.FAIL_STACK, p.failureMode());
        assertEquals(ConnectionProperties.FailureMode.COMPLETE_WITH_WARNING,
                ConnectionProperties.from(with("FailureMode", "CompleteWithWarning")).failureMode());
    }

    @Test
    void anEventOfEveryKnownSetValidates() {
        byte[] body = ConnectionEvent.body(ConnectionEvent.CREATED, "evt_" + "a".repeat(40), java.time.Instant.EPOCH,
                ConnectionProperties.from(with("PermissionSets", PermissionSets.KNOWN)),
                StackArn.parse("arn:aws:cloudformation:us-east-1:111122223333:stack/s/1"), "arn:aws:cloudformation:x");
        @SuppressWarnings("unchecked")
        Map<String, Object> connection = (Map<String, Object>) Json.parseObject(body).get("connection");
        assertEquals(PermissionSets.KNOWN, connection.get("permissionSets"));
    }
}
