"""The registry attribute names the Python tools read, mirroring dev.costlink.common.RegistrySchema (Java) name for
name: tests/test_status_cli.py reads the Java source and fails when a value here differs from the constant of the
same class and name there.

PENDING lists the names this side reads before RegistrySchema defines them, each with where it comes from; when the
Java class gains the constant, the test holds the two to the same value.
"""


class Tenants:
    KEY = "externalIdSha256"
    NAME = "name"
    ALLOWED_ACCOUNTS = "allowedAccounts"
    ALLOWED_ORGANIZATIONS = "allowedOrganizations"


class Connections:
    TENANT = "tenant"
    CONNECTION = "connection"
    STATUS = "status"
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    PENDING = "PENDING"
    PENDING_REASON = "pendingReason"
    APPROVAL = "approval"
    APPROVAL_REQUIRED = "REQUIRED"
    APPROVED = "APPROVED"
    ACCOUNT_ID = "accountId"
    ROLE_ARN = "roleArn"
    FACTS = "facts"
    HEALTH_STATUS = "healthStatus"
    HEALTH_CHECKS = "healthChecks"
    HEALTH_CHECKED_AT = "healthCheckedAt"
    CHECK_NAME = "name"
    CHECK_RESULT = "result"
    CHECK_DETAIL = "detail"
    ORGANIZATION_CONNECTION = "organizationConnection"
    COVERAGE = "coverage"
    COVERAGE_COVERED = "covered"
    COVERAGE_ACCOUNTS = "accounts"
    COVERAGE_RESULT = "result"
    COVERAGE_DETAIL = "detail"


class Facts:
    ACCOUNT_TYPE = "accountType"
    ORGANIZATION = "organization"


class Organization:
    TARGETS = "targets"


class Deliveries:
    TENANT_ACCOUNT = "tenantAccount"
    EXPORT = "export"
    LAST_VALID_AT = "lastValidAt"


PENDING: dict[tuple[str, str], str] = {}

ACCOUNT_TYPE_ROOT = "Root"
ACCOUNT_TYPE_LINKED = "Linked"
