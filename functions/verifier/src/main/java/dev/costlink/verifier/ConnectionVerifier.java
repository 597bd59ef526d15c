package dev.costlink.verifier;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs the checks of one connection, the way the vendor's platform will reach it: through the role. */
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
            session = account.assume(c.roleArn(), c.externalId());
            checks.add(Check.pass("assume-role", "Assumed " + c.roleArn() + " with the tenant's ExternalId."));
        } catch (CustomerAccount.AssumeRoleRefused e) {
            checks.add(Check.fail("assume-role", "Cannot assume " + c.roleArn() + " (" + e.getMessage() + "). Likely "
                    + "causes: the ExternalId in the role's trust policy differs from the tenant's (the customer "
                    + "rotated it without telling the vendor), the trust policy does not name the vendor account, or "
                    + "the role was deleted. Fix: update the connection stack with the tenant's ExternalId."));
            return checks;
        }
        if (!c.hasBillingData()) {
            return checks;
        }
        try {
            Optional<Instant> newest = session.newestManifest(c.bucket(), c.curPrefix());
            checks.add(freshness.cur(c.registeredAt(), newest.orElse(null), asOf));
            if (c.carbonPrefix() != null) {
                checks.add(freshness.carbon(session.newestCarbonMonth(c.bucket(), c.carbonPrefix()).orElse(null), asOf));
            }
            if ("CUR2".equals(c.curVersion()) && (c.exportArn() != null || c.exportName() != null)) {
                checks.add(exportCheck(session, "cur-export", c.exportArn(), c.exportName()));
            }
            if ("CUR1".equals(c.curVersion()) && c.exportName() != null) {
                checks.add(ExportStatusCheck.legacyReport(c.exportName(), session.reportStatus(c.exportName())));
            }
            if (c.carbonExportArn() != null || c.carbonExportName() != null) {
                checks.add(exportCheck(session, "carbon-export", c.carbonExportArn(), c.carbonExportName()));
            }
        } catch (CustomerAccount.BucketDenied e) {
            checks.add(Check.fail("bucket-access", "The role cannot read s3://" + c.bucket() + "/" + c.curPrefix()
                    + " (" + e.getMessage() + "). Likely causes: the bucket-read policy was removed from the role, or "
                    + "the bucket policy denies it. Fix: update the connection stack."));
        }
        return checks;
    }

    private static Check exportCheck(CustomerAccount.Session session, String name, String arn, String exportName) {
        String label = exportName != null ? exportName : arn;
        return session.export(arn, exportName)
                .map(e -> ExportStatusCheck.of(name, e.name(), e.statusCode(), e.statusReason(), e.latestRun(),
                        e.latestRunReason(), e.lastRefreshedAt()))
                .orElseGet(() -> Check.fail(name, "Export " + label + " does not exist (deleted, or created under "
                        + "another name). Fix: update the connection stack, which recreates it."));
    }
}
