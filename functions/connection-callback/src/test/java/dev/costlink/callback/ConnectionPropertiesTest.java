package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    private static List<String> sets(Map<String, Object> p) {
        return ConnectionProperties.from(p).facts().permissionSets();
    }

    private static String refusal(Map<String, Object> p) {
        return assertThrows(IllegalArgumentException.class, () -> ConnectionProperties.from(p)).getMessage();
    }

    @Test
    void permissionSetsComeAsAStringOrAList() {
        assertEquals(List.of("core", "cur-bucket-read"),
                sets(with("PermissionSets", "core, cur-bucket-read")));
        assertEquals(List.of("core", "cur-bucket-read"), sets(with("PermissionSets", List.of("core", "cur-bucket-read"))));
        assertEquals(List.of("core", "tag-management"),
                sets(with("PermissionSets", List.of("core", " tag-management", "core", ""))),
                "trimmed, blanks and repeats dropped");
        assertEquals(List.of(), sets(with("PermissionSets", "")));
        assertEquals(List.of(), sets(valid()));
        assertEquals(PermissionSets.KNOWN, sets(with("PermissionSets", PermissionSets.KNOWN)));
    }

    @Test
    void aListFromTheEventIsReadAsAList() {
        String event = "{\"RequestType\":\"Create\",\"ResponseURL\":\"https://s3.example.com/r\",\"StackId\":\"s\","
                + "\"RequestId\":\"r\",\"LogicalResourceId\":\"L\",\"ResourceProperties\":{\"CallbackUrl\":"
                + "\"https://vendor.example.com/cb\",\"ExternalId\":\"e\",\"RoleArn\":"
                + "\"arn:aws:iam::111122223333:role/R\",\"PermissionSets\":[\"core\",\"cur-bucket-read\"]}}";
        CustomResourceRequest request = CustomResourceRequest.parse(event.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("core", "cur-bucket-read"), request.properties().get("PermissionSets"));
        assertEquals(List.of("core", "cur-bucket-read"), sets(new HashMap<>(request.properties())));
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
        assertNull(p.facts().billing().bucket());
        assertEquals(ConnectionProperties.FailureMode.FAIL_STACK, p.failureMode());
        assertEquals(ConnectionProperties.FailureMode.COMPLETE_WITH_WARNING,
                ConnectionProperties.from(with("FailureMode", "CompleteWithWarning")).failureMode());
    }

    // ------------------------------------------------------------------------------------------ FOCUS, the queue
    @Test
    void focusFactsAndTheFailureQueueAreRead() {
        Map<String, Object> p = valid();
        p.put("FocusExportName", "CostLink-FOCUS-Export");
        p.put("FocusExportArn", "arn:aws:bcm-data-exports:us-east-1:111122223333:export/CostLink-FOCUS-Export-1");
        p.put("FocusPrefix", "reports/focus");
        p.put("DeliveryFailuresQueueUrl", QUEUE_URL);
        ConnectionFacts.Billing billing = ConnectionProperties.from(p).facts().billing();
        assertEquals(new ConnectionFacts.Export("CostLink-FOCUS-Export",
                "arn:aws:bcm-data-exports:us-east-1:111122223333:export/CostLink-FOCUS-Export-1", "reports/focus"),
                billing.focus());
        assertEquals(QUEUE_URL, billing.deliveryFailuresQueueUrl());
        assertEquals("FocusExportArn is not a BCM Data Exports ARN",
                refusal(with("FocusExportArn", "arn:aws:cur:us-east-1:111122223333:definition/x")));
        for (String url : new String[] {"http://sqs.us-east-1.amazonaws.com/111122223333/q",
                QUEUE_URL + "/more", "https://sqs.us-east-1.amazonaws.com/1111/q"}) {
            assertEquals("DeliveryFailuresQueueUrl is not an SQS queue URL", refusal(with("DeliveryFailuresQueueUrl", url)));
        }
    }

    // ------------------------------------------------------------------------------------------ the organisation
    static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures-1A2B";

    static Map<String, Object> organisation() {
        Map<String, Object> p = valid();
        p.put("AccountType", "Root");
        p.put("OrganizationTargets", "r-ab12,ou-ab12-cdef3456");
        p.put("OrganizationDeploymentAccount", "DelegatedAdministrator");
        p.put("MemberStackSetId", "CostLink-MemberRoles:5d5a5d3c-1111-2222-3333-444455556666");
        p.put("MemberRoleName", "CostLink-MemberReadAccess");
        p.put("MemberPermissionSets", "core,tag-management");
        return p;
    }

    @Test
    void theOrganisationOptionIsRead() {
        assertEquals(new OrganizationFacts("DelegatedAdministrator",
                "CostLink-MemberRoles:5d5a5d3c-1111-2222-3333-444455556666", List.of("r-ab12", "ou-ab12-cdef3456"),
                "CostLink-MemberReadAccess", List.of("core", "tag-management")),
                ConnectionProperties.from(organisation()).facts().organization());
        Map<String, Object> listed = organisation();
        listed.put("MemberPermissionSets", List.of("core"));
        listed.put("OrganizationTargets", "r-ab12, r-ab12,");
        OrganizationFacts o = ConnectionProperties.from(listed).facts().organization();
        assertEquals(List.of("core"), o.memberPermissionSets());
        assertEquals(List.of("r-ab12"), o.targets(), "trimmed, blanks and repeats dropped");
        assertNull(ConnectionProperties.from(valid()).facts().organization(), "off without OrganizationTargets");
    }

    @Test
    void anOrganisationNeedsEveryDetail() {
        Map<String, Object> p = organisation();
        p.remove("MemberStackSetId");
        p.remove("MemberPermissionSets");
        p.put("MemberRoleName", " ");
        assertEquals("ResourceProperties is missing MemberStackSetId, MemberRoleName, MemberPermissionSets", refusal(p));
    }

    @Test
    void organisationDetailsWithoutTargetsAreATemplateError() {
        Map<String, Object> p = organisation();
        p.remove("OrganizationTargets");
        assertEquals("OrganizationDeploymentAccount is given without OrganizationTargets; MemberStackSetId is given "
                + "without OrganizationTargets; MemberRoleName is given without OrganizationTargets; "
                + "MemberPermissionSets is given without OrganizationTargets", refusal(p));
    }

    @Test
    void organisationValuesTheContractForbidsAreRefusedByName() {
        Map<String, Object> p = organisation();
        p.put("OrganizationTargets", "r-ab12,ou-Secret-Looking");
        String message = refusal(p);
        assertEquals("OrganizationTargets item 2 is not an OU id (ou-...) or a root id (r-...)", message);
        assertEquals("OrganizationTargets names no OU or root id", refusal(organisationWith("OrganizationTargets", ",")));
        assertEquals("OrganizationDeploymentAccount must be one of ManagementAccount, DelegatedAdministrator",
                refusal(organisationWith("OrganizationDeploymentAccount", "Anywhere")));
        assertEquals("MemberRoleName is not an IAM role name", refusal(organisationWith("MemberRoleName", "a/b")));
        assertEquals("MemberPermissionSets item 2 is not a known permission set (known: core, ec2-start-stop, "
                + "commitment-purchase, tag-management, automation)",
                refusal(organisationWith("MemberPermissionSets", "core,cur-bucket-read")), "a member never reads the bucket");
        assertEquals("MemberPermissionSets names no permission set", refusal(organisationWith("MemberPermissionSets", List.of())));
        assertEquals("OrganizationTargets is for a Root account's stack, not a Linked account's",
                refusal(organisationWith("AccountType", "Linked")));
        assertEquals("MemberStackSetId must be a string", refusal(organisationWith("MemberStackSetId", 7)));
    }

    private static Map<String, Object> organisationWith(String key, Object value) {
        Map<String, Object> p = organisation();
        p.put(key, value);
        return p;
    }
}
