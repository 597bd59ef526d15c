package dev.costlink.callback;

import dev.costlink.callback.ConnectionFacts.Billing;
import dev.costlink.callback.ConnectionFacts.Export;
import dev.costlink.common.CallbackSignature;
import dev.costlink.common.Json;
import dev.costlink.common.RegistrySchema.Facts;
import dev.costlink.common.RegistrySchema.Organization;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of a connection.* event (docs/callback-contract.md), named as the registry stores it
 * ({@link dev.costlink.common.RegistrySchema.Facts}). Absent facts are omitted, never empty strings.
 */
public final class ConnectionEvent {
    public static final String CREATED = "connection.created";
    public static final String UPDATED = "connection.updated";
    public static final String DELETED = "connection.deleted";

    private ConnectionEvent() {}

    /** {@code identity}: the organisation's id and management account when known, else null. */
    static byte[] body(String type, Instant occurredAt, ConnectionRequest request, OrganizationIdentity identity) {
        ConnectionFacts facts = request.properties().facts();
        StackArn stack = request.stack();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("id", request.eventId());
        event.put("occurredAt", occurredAt.truncatedTo(ChronoUnit.MILLIS).toString());
        event.put("externalIdSha256", CallbackSignature.sha256Hex(request.properties().externalId()));
        event.put("accountId", stack.accountId());
        event.put("partition", stack.partition());
        event.put("region", stack.region());
        event.put("stackId", request.request().stackId());
        event.put("connection", connection(request.connectionId(), facts, identity));
        return Json.write(event);
    }

    private static Map<String, Object> connection(String connectionId, ConnectionFacts facts,
                                                  OrganizationIdentity identity) {
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("roleArn", facts.roleArn());
        connection.put(Facts.CONNECTION_ID, connectionId);
        put(connection, Facts.ACCOUNT_TYPE, facts.accountType());
        put(connection, "deploymentScenario", facts.deploymentScenario());
        Billing billing = facts.billing();
        put(connection, Facts.BUCKET, billing.bucket());
        put(connection, Facts.CUR_VERSION, billing.curVersion());
        put(connection, Facts.EXPORT_NAME, billing.cur().name());
        put(connection, Facts.EXPORT_ARN, billing.cur().arn());
        put(connection, Facts.CARBON_EXPORT_NAME, billing.carbon().name());
        put(connection, Facts.CARBON_EXPORT_ARN, billing.carbon().arn());
        put(connection, Facts.FOCUS_EXPORT_NAME, billing.focus().name());
        put(connection, Facts.FOCUS_EXPORT_ARN, billing.focus().arn());
        put(connection, Facts.DELIVERY_FAILURES_QUEUE_URL, billing.deliveryFailuresQueueUrl());
        Map<String, Object> prefixes = new LinkedHashMap<>();
        put(prefixes, Facts.CUR_PREFIX, billing.cur().prefix());
        put(prefixes, Facts.CARBON_PREFIX, billing.carbon().prefix());
        put(prefixes, Facts.FOCUS_PREFIX, billing.focus().prefix());
        if (!prefixes.isEmpty()) {
            connection.put(Facts.PREFIXES, prefixes);
        }
        put(connection, "permissionSets", facts.permissionSets());
        if (facts.organization() != null) {
            connection.put(Facts.ORGANIZATION, organization(facts.organization(), identity));
        }
        return connection;
    }

    private static Map<String, Object> organization(OrganizationFacts o, OrganizationIdentity identity) {
        Map<String, Object> organization = new LinkedHashMap<>();
        if (identity != null) {
            put(organization, Organization.ORGANIZATION_ID, identity.organizationId());
            put(organization, Organization.MANAGEMENT_ACCOUNT_ID, identity.managementAccountId());
        }
        put(organization, Organization.DEPLOYMENT_ACCOUNT, o.deploymentAccount());
        put(organization, Organization.STACK_SET_ID, o.stackSetId());
        put(organization, Organization.TARGETS, o.targets());
        put(organization, Organization.MEMBER_ROLE_NAME, o.memberRoleName());
        put(organization, Organization.MEMBER_PERMISSION_SETS, o.memberPermissionSets());
        return organization;
    }

    private static void put(Map<String, Object> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    private static void put(Map<String, Object> map, String key, List<String> values) {
        if (!values.isEmpty()) {
            map.put(key, values);
        }
    }
}
