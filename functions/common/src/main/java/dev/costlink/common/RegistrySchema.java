package dev.costlink.common;

/**
 * The registry's DynamoDB schema, in one place: the registry endpoint writes it, the verifier reads and updates it.
 * Table key attributes must match vendor.yaml's KeySchema (a test reads both).
 */
public final class RegistrySchema {
    private RegistrySchema() {}

    /** One item per tenant, keyed by the SHA-256 of its ExternalId (what events carry). */
    public static final class Tenants {
        public static final String TABLE_ENV = "COSTLINK_TENANTS_TABLE";
        public static final String KEY = "externalIdSha256";
        public static final String EXTERNAL_ID = "externalId";
        public static final String NAME = "name";
        public static final String STATUS = "status";
        public static final String DISABLED = "DISABLED";
        public static final String ACTIVE = "ACTIVE";
        public static final String CREATED_AT = "createdAt";
        /**
         * Optional policy (lists of strings): the account ids, and the organisation ids, whose connections this tenant
         * accepts without the vendor's approval. Absent = any account. A connection outside it is held PENDING with
         * {@link Connections#APPROVAL} = {@link Connections#APPROVAL_REQUIRED} (docs/security.md).
         */
        public static final String ALLOWED_ACCOUNTS = "allowedAccounts";
        public static final String ALLOWED_ORGANIZATIONS = "allowedOrganizations";

        private Tenants() {}
    }

    /** One item per connection (a customer role) of a tenant. */
    public static final class Connections {
        public static final String TABLE_ENV = "COSTLINK_CONNECTIONS_TABLE";
        public static final String TENANT = "tenant";
        public static final String CONNECTION = "connection";
        public static final String STATUS = "status";
        public static final String ACTIVE = "ACTIVE";
        public static final String REVOKED = "REVOKED";
        /**
         * Registered but not yet proved: the vendor has not assumed the reported role with the tenant's ExternalId
         * (or the tenant's policy holds it for approval). {@link #PENDING_REASON} says why, in words for people.
         */
        public static final String PENDING = "PENDING";
        public static final String PENDING_REASON = "pendingReason";
        /** When (epoch seconds) the vendor last assumed the role and made the connection ACTIVE. */
        public static final String PROVED_AT = "provedAt";
        /** When (epoch seconds) the verifier last tried to prove a PENDING connection. */
        public static final String PROOF_TRIED_AT = "proofTriedAt";
        /** Set to {@link #APPROVAL_REQUIRED} when the tenant's policy holds the account; the vendor sets APPROVED. */
        public static final String APPROVAL = "approval";
        public static final String APPROVAL_REQUIRED = "REQUIRED";
        public static final String APPROVED = "APPROVED";
        /** Global secondary index of the connections table by {@link #STACK_ID} (keys only): a detector's event finds
         * its connection through the stack its role names (docs/security.md). */
        public static final String BY_STACK_INDEX = "ByStack";
        public static final String ACCOUNT_ID = "accountId";
        public static final String ROLE_ARN = "roleArn";
        public static final String CONNECTION_ID = "connectionId";
        public static final String FACTS = "facts";
        public static final String STACK_ID = "stackId";
        public static final String REGION = "region";
        public static final String PARTITION = "partition";
        public static final String REGISTERED_AT = "registeredAt";
        public static final String UPDATED_AT = "updatedAt";
        public static final String REVOKED_AT = "revokedAt";
        /** The last connection event recorded on the item (the registry's optimistic lock on its history). */
        public static final String LAST_EVENT_ID = "lastEventId";
        /**
         * The {@code occurredAt} (epoch milliseconds) of the newest connection event applied to the item: an older event
         * arriving later is recorded as seen and changes nothing (a late created/updated never reactivates a deleted
         * connection, a late deleted never revokes a re-created one).
         */
        public static final String LAST_OCCURRED_AT = "lastOccurredAt";
        public static final String HISTORY = "history";
        public static final String HEALTH_STATUS = "healthStatus";
        public static final String HEALTH_CHECKS = "healthChecks";
        public static final String HEALTH_CHECKED_AT = "healthCheckedAt";
        public static final String HEALTH_PUBLISHED_AT = "healthPublishedAt";
        /** {@link #HISTORY} keeps only the newest entries; the events table holds every event id for 35 days. */
        public static final int HISTORY_LIMIT = 50;
        /** Inside a history entry. */
        public static final String HISTORY_TYPE = "type";
        public static final String HISTORY_EVENT_ID = "eventId";
        public static final String HISTORY_AT = "at";
        /**
         * On a member account's connection (created by the verifier from the organisation's account list): the key of
         * the payer connection whose StackSet deployed its role. Revoking the payer connection revokes its members.
         */
        public static final String ORGANIZATION_CONNECTION = "organizationConnection";
        /** On a payer connection: the organisation's coverage, a map of {@link #COVERAGE_COVERED} and the rest. */
        public static final String COVERAGE = "coverage";
        /** Inside {@link #COVERAGE}: active accounts in the targets whose member role the verifier could assume. */
        public static final String COVERAGE_COVERED = "covered";
        /** Inside {@link #COVERAGE}: active accounts in the targets (suspended ones are not counted). */
        public static final String COVERAGE_ACCOUNTS = "accounts";
        /** Inside {@link #COVERAGE}: the organization-coverage check's result (PASS, WARN, FAIL) and its detail. */
        public static final String COVERAGE_RESULT = "result";
        public static final String COVERAGE_DETAIL = "detail";
        /** Inside {@link #COVERAGE}: the scheduled run (epoch seconds) the coverage was computed for. */
        public static final String COVERAGE_CHECKED_AT = "checkedAt";
        /** Inside {@link #COVERAGE}: the accounts not connected (bounded list of {accountId, name, reason}). */
        public static final String COVERAGE_NOT_CONNECTED = "notConnected";
        /** Inside {@link #COVERAGE}: suspended accounts of the targets, ignored (bounded list of {accountId, name}). */
        public static final String COVERAGE_SUSPENDED = "suspended";
        /** Inside {@link #COVERAGE}: a digest of every not-connected account and its reason (a change alerts). */
        public static final String COVERAGE_SIGNATURE = "signature";
        /** Inside {@link #COVERAGE}: when its last organisation event was recorded, and the event still pending. */
        public static final String COVERAGE_PUBLISHED_AT = "publishedAt";
        public static final String COVERAGE_PENDING = "pending";
        /** Inside each item of {@link #COVERAGE_NOT_CONNECTED} and {@link #COVERAGE_SUSPENDED}. */
        public static final String COVERAGE_ACCOUNT_ID = "accountId";
        public static final String COVERAGE_ACCOUNT_NAME = "name";
        public static final String COVERAGE_REASON = "reason";
        /** On a member: the account's name in the organisation, as the verifier last listed it. */
        public static final String ACCOUNT_NAME = "accountName";
        /**
         * On a member: the account's state in the organisation when last listed (ACTIVE, SUSPENDED, PENDING_CLOSURE,
         * ...), or {@link #LEFT_TARGETS} once the listing no longer names it. Only an ACTIVE account's member is ACTIVE.
         */
        public static final String ORGANIZATION_ACCOUNT_STATE = "organizationAccountState";
        public static final String LEFT_TARGETS = "LEFT";
        /**
         * On a member: the scheduled run (epoch seconds) whose organisation listing last changed it; a change from an
         * older run (a late queue message) is not applied over it.
         */
        public static final String ORGANIZATION_RUN = "organizationRun";
        /** A health event recorded but not yet known to be published (the verifier's exactly-once marker). */
        public static final String HEALTH_PENDING = "healthPending";
        /** Inside each item of {@link #HEALTH_CHECKS}. */
        public static final String CHECK_NAME = "name";
        public static final String CHECK_RESULT = "result";
        public static final String CHECK_DETAIL = "detail";
        /** The check's state (docs/health-events.md, "States"), when it has one. */
        public static final String CHECK_STATE = "state";
        /** Inside {@link #HEALTH_PENDING}. */
        public static final String PENDING_EVENT_ID = "eventId";
        public static final String PENDING_SUBJECT = "subject";
        public static final String PENDING_MESSAGE = "message";
        public static final String PENDING_ATTRIBUTES = "attributes";

        private Connections() {}

        /** The sort key: one connection per account and role. */
        public static String key(String accountId, String roleArn) {
            return accountId + "#" + roleArn;
        }
    }

    /** Inside {@link Connections#FACTS}: the connection event's {@code connection} object as sent (callback contract). */
    public static final class Facts {
        public static final String CONNECTION_ID = "connectionId";
        public static final String ACCOUNT_TYPE = "accountType";
        /** The payer stack's organisation, an object with the {@link Organization} fields; absent when off. */
        public static final String ORGANIZATION = "organization";
        public static final String BUCKET = "bucket";
        public static final String CUR_VERSION = "curVersion";
        public static final String CUR1 = "CUR1";
        public static final String CUR2 = "CUR2";
        public static final String EXPORT_NAME = "exportName";
        public static final String EXPORT_ARN = "exportArn";
        public static final String CARBON_EXPORT_NAME = "carbonExportName";
        public static final String CARBON_EXPORT_ARN = "carbonExportArn";
        public static final String FOCUS_EXPORT_NAME = "focusExportName";
        public static final String FOCUS_EXPORT_ARN = "focusExportArn";
        /** The connection stack's on-failure queue of delivery events the vendor did not take (Root accounts). */
        public static final String DELIVERY_FAILURES_QUEUE_URL = "deliveryFailuresQueueUrl";
        public static final String PREFIXES = "prefixes";
        /** Inside {@link #PREFIXES}. */
        public static final String CUR_PREFIX = "cur";
        public static final String CARBON_PREFIX = "carbon";
        public static final String FOCUS_PREFIX = "focus";

        private Facts() {}
    }

    /** Inside {@link Facts#ORGANIZATION} (the connection event's {@code connection.organization}). */
    public static final class Organization {
        public static final String ORGANIZATION_ID = "organizationId";
        public static final String MANAGEMENT_ACCOUNT_ID = "managementAccountId";
        public static final String DEPLOYMENT_ACCOUNT = "deploymentAccount";
        public static final String STACK_SET_ID = "stackSetId";
        public static final String TARGETS = "targets";
        public static final String MEMBER_ROLE_NAME = "memberRoleName";
        public static final String MEMBER_PERMISSION_SETS = "memberPermissionSets";

        private Organization() {}
    }

    /** The last delivery (and last valid delivery) of each export of a tenant's account. */
    public static final class Deliveries {
        public static final String TABLE_ENV = "COSTLINK_DELIVERIES_TABLE";
        public static final String TENANT_ACCOUNT = "tenantAccount";
        public static final String EXPORT = "export";
        public static final String LAST_DELIVERY = "lastDelivery";
        public static final String LAST_VALID_DELIVERY = "lastValidDelivery";
        public static final String LAST_VALID_AT = "lastValidAt";
        public static final String UPDATED_AT = "updatedAt";
        /** Inside a delivery map (the event's delivery object plus these): when the registry received it (epoch seconds). */
        public static final String RECEIVED_AT = "receivedAt";
        /** Inside a delivery map: the event's type and id, and the contract's delivery fields. */
        public static final String TYPE = "type";
        public static final String EVENT_ID = "eventId";
        public static final String KIND = "kind";
        public static final String EXPORT_NAME = "exportName";
        public static final String REPORT_NAME = "reportName";
        public static final String BILLING_PERIOD = "billingPeriod";
        public static final String MANIFEST_KEY = "manifestKey";
        public static final String FILE_COUNT = "fileCount";
        public static final String TOTAL_ROWS = "totalRows";
        public static final String TOTAL_BYTES = "totalBytes";

        private Deliveries() {}

        public static String partitionKey(String tenant, String accountId) {
            return tenant + "#" + accountId;
        }

        public static String exportKey(String kind, String exportOrReportName) {
            return kind + "#" + exportOrReportName;
        }
    }

    /** Every event id seen, kept for {@link #EVENT_MEMORY_SECONDS} (TTL): what makes recording exactly-once. */
    public static final class Events {
        public static final String TABLE_ENV = "COSTLINK_EVENTS_TABLE";
        public static final String EVENT_ID = "eventId";
        public static final String TYPE = "type";
        public static final String TENANT = "tenant";
        public static final String RECEIVED_AT = "receivedAt";
        public static final String EXPIRES_AT = "expiresAt";
        public static final long EVENT_MEMORY_SECONDS = 35L * 24 * 3600;

        private Events() {}
    }
}
