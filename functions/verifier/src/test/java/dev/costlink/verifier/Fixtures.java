package dev.costlink.verifier;

import dev.costlink.verifier.BillingFacts.Feed;
import dev.costlink.verifier.DeliveryLocator.Delivered;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** Connections as the registry holds them, for tests. */
final class Fixtures {
    static final Instant NOW = Instant.parse("2026-06-25T12:00:00Z");
    static final String ACCOUNT = "111122223333";
    static final String ROLE = "arn:aws:iam::111122223333:role/CostLink-ReadAccess";
    static final Tenant TENANT = new Tenant("t".repeat(64), "Acme Corp", "cl-the-external-id");

    private Fixtures() {}

    static BillingFacts cur2(String export) {
        return cur("acme-billing", "CUR2", "reports/cur2", new ExportRef(export, null));
    }

    /** A CUR-only connection. */
    static BillingFacts cur(String bucket, String curVersion, String prefix, ExportRef export) {
        return new BillingFacts(bucket, curVersion, new Feed(prefix, export), Feed.NONE, Feed.NONE, null);
    }

    static BillingFacts withFocus(BillingFacts b, Feed f) {
        return new BillingFacts(b.bucket(), b.curVersion(), b.cur(), f, b.carbon(), b.failureQueue());
    }

    static BillingFacts withCarbon(BillingFacts b, Feed f) {
        return new BillingFacts(b.bucket(), b.curVersion(), b.cur(), b.focus(), f, b.failureQueue());
    }

    static BillingFacts withFailureQueue(BillingFacts b, BillingFacts.FailureQueue q) {
        return new BillingFacts(b.bucket(), b.curVersion(), b.cur(), b.focus(), b.carbon(), q);
    }

    /** A connection's facts with a CUR and a carbon feed (the shape before FOCUS and the failure queue). */
    static BillingFacts facts(String bucket, String curVersion, String curPrefix, ExportRef curExport,
                              String carbonPrefix, ExportRef carbonExport) {
        return new BillingFacts(bucket, curVersion, new Feed(curPrefix, curExport), Feed.NONE,
                new Feed(carbonPrefix, carbonExport), null);
    }

    /** A delivery seen at {@code at}, of the billing period {@code at} falls in. */
    static Delivered deliveredAt(Instant at) {
        return at == null ? null : new Delivered(YearMonth.from(at.atZone(ZoneOffset.UTC)), at);
    }

    static Connection connection(BillingFacts billing, HealthState health) {
        return connection(billing, health, NOW.minus(Duration.ofDays(30)));
    }

    static Connection connection(BillingFacts billing, HealthState health, Instant registeredAt) {
        return connection(billing, health, registeredAt, OrganizationLink.NONE);
    }

    static Connection connection(BillingFacts billing, HealthState health, OrganizationLink organization) {
        return connection(billing, health, NOW.minus(Duration.ofDays(30)), organization);
    }

    static Connection connection(BillingFacts billing, HealthState health, Instant registeredAt,
                                 OrganizationLink organization) {
        return new Connection(TENANT, ACCOUNT + "#" + ROLE, "costlink-111122223333-f011dd253f837458", ACCOUNT, ROLE,
                registeredAt, billing, health, organization);
    }

    static Connection connection(BillingFacts billing) {
        return connection(billing, HealthState.NEVER_CHECKED);
    }
}
