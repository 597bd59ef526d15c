package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.costlink.common.ConnectionIds;
import dev.costlink.common.Json;
import dev.costlink.common.RegistrySchema.Facts;
import dev.costlink.common.RegistrySchema.Organization;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionEventTest {
    static final String ROLE = "arn:aws:iam::111122223333:role/CostLink-ReadAccess";
    static final String STACK = "arn:aws:cloudformation:us-east-1:111122223333:stack/CostLink/1";

    static ConnectionRequest request(String type, Map<String, Object> properties) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("RequestType", type);
        event.put("ResponseURL", "https://s3.example.com/r");
        event.put("StackId", STACK);
        event.put("RequestId", "r1");
        event.put("LogicalResourceId", "ConnectionCallback");
        event.put("ResourceProperties", properties);
        if (!type.equals("Create")) {
            event.put("PhysicalResourceId", ConnectionIds.of("111122223333", ROLE));
        }
        ConnectionRequest request = ConnectionRequest.read(CustomResourceRequest.parse(Json.write(event)));
        assertEquals(null, request.problem());
        return request;
    }

    static Map<String, Object> payer() {
        Map<String, Object> p = ConnectionPropertiesTest.organisation();
        p.put("RoleArn", ROLE);
        p.put("DeploymentScenario", "NewBucketNewExport");
        p.put("BucketName", "acme-costlink-cur");
        p.put("CurVersion", "CUR2");
        p.put("ExportName", "CostLink-CUR-Export");
        p.put("CurPrefix", "reports/cur2");
        p.put("FocusExportName", "CostLink-FOCUS-Export");
        p.put("FocusExportArn", "arn:aws:bcm-data-exports:us-east-1:111122223333:export/CostLink-FOCUS-Export-1");
        p.put("FocusPrefix", "reports/focus");
        p.put("DeliveryFailuresQueueUrl", ConnectionPropertiesTest.QUEUE_URL);
        p.put("PermissionSets", "core,cur-bucket-read");
        return p;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> connection(byte[] body) {
        return (Map<String, Object>) Json.parseObject(body).get("connection");
    }

    @Test
    void aPayerReportsItsFocusExportItsQueueAndItsOrganisation() {
        byte[] body = ConnectionEvent.body(ConnectionEvent.CREATED, Instant.EPOCH, request("Create", payer()),
                new OrganizationIdentity("o-a1b2c3d4e5", "999988887777"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("roleArn", ROLE);
        expected.put(Facts.CONNECTION_ID, ConnectionIds.of("111122223333", ROLE));
        expected.put(Facts.ACCOUNT_TYPE, "Root");
        expected.put("deploymentScenario", "NewBucketNewExport");
        expected.put(Facts.BUCKET, "acme-costlink-cur");
        expected.put(Facts.CUR_VERSION, "CUR2");
        expected.put(Facts.EXPORT_NAME, "CostLink-CUR-Export");
        expected.put(Facts.FOCUS_EXPORT_NAME, "CostLink-FOCUS-Export");
        expected.put(Facts.FOCUS_EXPORT_ARN, "arn:aws:bcm-data-exports:us-east-1:111122223333:export/CostLink-FOCUS-Export-1");
        expected.put(Facts.DELIVERY_FAILURES_QUEUE_URL, ConnectionPropertiesTest.QUEUE_URL);
        expected.put(Facts.PREFIXES, Map.of(Facts.CUR_PREFIX, "reports/cur2", Facts.FOCUS_PREFIX, "reports/focus"));
        expected.put("permissionSets", List.of("core", "cur-bucket-read"));
        expected.put(Facts.ORGANIZATION, Map.of(
                Organization.ORGANIZATION_ID, "o-a1b2c3d4e5", Organization.MANAGEMENT_ACCOUNT_ID, "999988887777",
                Organization.DEPLOYMENT_ACCOUNT, "DelegatedAdministrator",
                Organization.STACK_SET_ID, "CostLink-MemberRoles:5d5a5d3c-1111-2222-3333-444455556666",
                Organization.TARGETS, List.of("r-ab12", "ou-ab12-cdef3456"),
                Organization.MEMBER_ROLE_NAME, "CostLink-MemberReadAccess",
                Organization.MEMBER_PERMISSION_SETS, List.of("core", "tag-management")));
        assertEquals(expected, connection(body));
    }

    @Test
    void anOrganisationNotDescribedIsReportedWithoutItsIds() {
        @SuppressWarnings("unchecked")
        Map<String, Object> organization = (Map<String, Object>) connection(ConnectionEvent.body(
                ConnectionEvent.CREATED, Instant.EPOCH, request("Create", payer()), null)).get(Facts.ORGANIZATION);
        assertFalse(organization.containsKey(Organization.ORGANIZATION_ID));
        assertFalse(organization.containsKey(Organization.MANAGEMENT_ACCOUNT_ID));
        assertEquals("DelegatedAdministrator", organization.get(Organization.DEPLOYMENT_ACCOUNT));
    }

    @Test
    void everyEventNamesTheConnectionsIdEvenADelete() {
        Map<String, Object> linked = new LinkedHashMap<>(Map.of("CallbackUrl", "https://vendor.example.com/cb",
                "ExternalId", "e", "RoleArn", ROLE, "PermissionSets", PermissionSets.KNOWN));
        for (String type : new String[] {"Create", "Update", "Delete"}) {
            Map<String, Object> c = connection(ConnectionEvent.body(ConnectionEvent.DELETED, Instant.EPOCH,
                    request(type, linked), null));
            assertEquals(ConnectionIds.of("111122223333", ROLE), c.get(Facts.CONNECTION_ID), type);
            assertEquals(PermissionSets.KNOWN, c.get("permissionSets"));
            assertFalse(c.containsKey(Facts.ORGANIZATION) || c.containsKey(Facts.PREFIXES));
        }
    }
}
