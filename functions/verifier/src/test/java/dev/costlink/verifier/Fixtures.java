package dev.costlink.verifier;

import java.time.Duration;
import java.time.Instant;

/** Connections as the registry holds them, for tests. */
final class Fixtures {
    static final Instant NOW = Instant.parse("2026-06-25T12:00:00Z");
    static final String ACCOUNT = "111122223333";
    static final String ROLE = "arn:aws:iam::111122223333:role/CostLink-ReadAccess";
    static final Tenant TENANT = new Tenant("t".repeat(64), "Acme Corp", "cl-the-external-id");

    private Fixtures() {}

    static BillingFacts cur2(String export) {
        return new BillingFacts("acme-billing", "CUR2", "reports/cur2", new ExportRef(export, null), null, ExportRef.NONE);
    }

    static Connection connection(BillingFacts billing, HealthState health) {
        return connection(billing, health, OrganizationLink.NONE);
    }

    static Connection connection(BillingFacts billing, HealthState health, OrganizationLink organization) {
        return new Connection(TENANT, ACCOUNT + "#" + ROLE, "costlink-111122223333-f011dd253f837458", ACCOUNT, ROLE,
                NOW.minus(Duration.ofDays(30)), billing, health, organization);
    }

    static Connection connection(BillingFacts billing) {
        return connection(billing, HealthState.NEVER_CHECKED);
    }
}
