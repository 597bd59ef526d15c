package dev.costlink.verifier;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the checks of one connection, the way the vendor's platform will reach it: through the role. Checks come in a
 * fixed order: assume-role; then, for a connection with a billing bucket, cur-freshness and carbon-month (or
 * bucket-access when the role cannot list the bucket); then the exports' own status (cur-export or cur-report,
 * carbon-export), which needs no bucket access.
 */
public final class ConnectionVerifier {
    private final CustomerAccount account;
    private final FreshnessCheck freshness;

    public ConnectionVerifier(CustomerAccount account, Thresholds thresholds) {
        this.account = account;
        this.freshness = new FreshnessCheck(thresholds);
    }

    public List<Check> verify(Connection c, Instant asOf) {
        List<Check> checks = new ArrayList<>();
        CustomerAccount.Session session;
        try {
            session = account.assume(c.roleArn(), c.tenant().externalId());
            checks.add(Check.pass("assume-role", "Assumed " + c.roleArn() + " with the tenant's ExternalId."));
        } catch (CustomerAccount.AssumeRoleRefused e) {
            checks.add(Check.fail("assume-role", "Cannot assume " + c.roleArn() + " (" + e.getMessage() + "). Likely "
                    + "causes: the ExternalId in the role's trust policy differs from the tenant's (the customer "
                    + "rotated it without telling the vendor), the trust policy does not name the vendor account, or "
                    + "the role was deleted. Fix: update the connection stack with the tenant's ExternalId."));
            return checks;
        }
        BillingFacts b = c.billing();
        if (b.hasBucket()) {
            deliveries(session, c, asOf, checks);
        }
        if (b.legacyCur() && b.curExport().name() != null) {
            checks.add(ExportStatusCheck.legacyReport(b.curExport().name(), session.report(b.curExport().name())));
        } else if (!b.legacyCur() && b.curExport().isKnown()) {
            checks.add(exportCheck(session, "cur-export", b.curExport()));
        }
        if (b.carbonExport().isKnown()) {
            checks.add(exportCheck(session, "carbon-export", b.carbonExport()));
        }
        return checks;
    }

    private void deliveries(CustomerAccount.Session session, Connection c, Instant asOf, List<Check> checks) {
        BillingFacts b = c.billing();
        try {
            checks.add(b.curExport().name() == null ? freshness.curUnlocated()
                    : freshness.cur(c.registeredAt(), DeliveryLocator.newestCurManifest(session, b).orElse(null), asOf));
            if (b.hasCarbon()) {
                checks.add(b.carbonExport().name() == null ? freshness.carbonUnlocated()
                        : freshness.carbon(DeliveryLocator.newestCarbonMonth(session, b).orElse(null), asOf));
            }
        } catch (CustomerAccount.BucketDenied e) {
            checks.add(Check.fail("bucket-access", "The role cannot list the report prefixes of s3://" + b.bucket()
                    + " (" + e.getMessage() + "). Likely causes: the bucket-read policy was removed from the role, or "
                    + "the bucket policy denies it. Fix: update the connection stack."));
        }
    }

    private static Check exportCheck(CustomerAccount.Session session, String name, ExportRef export) {
        return session.export(export).map(e -> ExportStatusCheck.of(name, e))
                .orElseGet(() -> Check.fail(name, "Export " + export.label() + " does not exist (deleted, or created "
                        + "under another name). Fix: update the connection stack, which recreates it."));
    }
}
