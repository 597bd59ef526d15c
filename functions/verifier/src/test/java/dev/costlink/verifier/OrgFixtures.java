package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static dev.costlink.verifier.Fixtures.TENANT;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** An organisation as the registry and AWS Organizations hold it, for tests. */
final class OrgFixtures {
    static final String MANAGEMENT = "900000000000";
    static final String PAYER_ROLE = "arn:aws:iam::900000000000:role/CostLink-ReadAccess";
    static final String PAYER_KEY = MANAGEMENT + "#" + PAYER_ROLE;
    static final OrganizationFacts ROOT_TARGET = new OrganizationFacts("o-abc123",
            "CostLink-MemberRoles:1", List.of("r-ab12"), "CostLink-MemberReadAccess");

    private OrgFixtures() {}

    static Connection payer(OrganizationFacts org) {
        return payer(org, MANAGEMENT);
    }

    static Connection payer(OrganizationFacts org, String account) {
        String role = "arn:aws:iam::" + account + ":role/CostLink-ReadAccess";
        return new Connection(TENANT, account + "#" + role, "costlink-" + account + "-0123456789abcdef", account, role,
                NOW.minus(Duration.ofDays(30)), BillingFacts.NONE, HealthState.NEVER_CHECKED,
                new OrganizationLink(org, null, false));
    }

    static String memberRole(String account) {
        return "arn:aws:iam::" + account + ":role/CostLink-MemberReadAccess";
    }

    static String memberKey(String account) {
        return Connections.key(account, memberRole(account));
    }

    static OrgAccount active(String id, String name) {
        return new OrgAccount(id, name, "ACTIVE");
    }

    static TenantConnection.Health health(Instant at, Check.Result assumeRole) {
        return new TenantConnection.Health(assumeRole == Check.Result.PASS ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY,
                at, List.of(new Check("assume-role", assumeRole, "detail")));
    }

    /** A member connection of {@code payerKey} as the registry holds it. */
    static TenantConnection member(String payerKey, OrgAccount account, boolean active, TenantConnection.Health health) {
        return new TenantConnection(memberKey(account.id()), account.id(), active, payerKey, account, health);
    }

    /** The payer's own item, with its last assume-role result. */
    static TenantConnection payerItem(Connection payer, Check.Result assumeRole) {
        return new TenantConnection(payer.key(), payer.accountId(), true, null, null, health(NOW, assumeRole));
    }
}
