package dev.costlink.verifier;

import dev.costlink.verifier.BillingFacts.Feed;
import dev.costlink.verifier.Check.State;
import dev.costlink.verifier.CustomerAccount.ExportState;
import dev.costlink.verifier.CustomerAccount.Session;
import dev.costlink.verifier.FreshnessCheck.Subject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the checks of one connection, the way the vendor's platform will reach it: through the role. Checks come in a
 * fixed order: assume-role; then, for a connection with a billing bucket, cur-freshness, focus-freshness and
 * carbon-month (or bucket-access when the role cannot list the bucket); delivery-valid (what the detector reported);
 * delivery-failures (the stack's queue of events the vendor missed); then the exports' own status (cur-export or
 * cur-report, focus-export, carbon-export), which needs no bucket access. The exports' status is read first: their
 * creation time opens a recreated export's first-delivery window.
 */
public final class ConnectionVerifier {
    private final CustomerAccount account;
    private final FreshnessCheck freshness;

    public ConnectionVerifier(CustomerAccount account, Thresholds thresholds) {
        this.account = account;
        this.freshness = new FreshnessCheck(thresholds);
    }

    /** An export the connection names, looked up in BCM Data Exports: its state, null when AWS has no such export. */
    private record Looked(ExportRef export, ExportState state) {
        static Instant createdAt(Looked l) {
            return l == null || l.state == null ? null : l.state.createdAt();
        }
    }

    /** The exports read for one verification; a feed that names no export (or a CUR 1.0 report) has none (null). */
    private record Exports(Looked cur, Looked focus, Looked carbon) {}

    public List<Check> verify(Connection c, DeliveryReports reported, Instant asOf) {
        List<Check> checks = new ArrayList<>();
        Session session;
        try {
            session = account.assume(c.roleArn(), c.tenant().externalId());
            checks.add(Check.of("assume-role", State.OK, "Assumed " + c.roleArn() + " with the tenant's ExternalId."));
        } catch (CustomerAccount.AssumeRoleRefused e) {
            checks.add(Check.of("assume-role", State.DENIED, "Cannot assume " + c.roleArn() + " (" + e.getMessage()
                    + "). Likely causes: the ExternalId in the role's trust policy differs from the tenant's (the "
                    + "customer rotated it without telling the vendor), the trust policy does not name the vendor "
                    + "account, or the role was deleted. Fix: update the connection stack with the tenant's ExternalId."));
            return checks;
        }
        BillingFacts b = c.billing();
        Exports exports = new Exports(b.legacyCur() ? null : lookup(session, b.cur()), lookup(session, b.focus()),
                lookup(session, b.carbon()));
        if (b.bucket() != null) {
            deliveries(session, c, exports, asOf, checks);
        }
        if (b.bucket() != null && reported.known()) {
            checks.add(DeliveryValidityCheck.of(reported.of(b)));
        }
        Check parked = DeliveryFailuresCheck.of(session, c.accountId(), b.failureQueue());
        if (parked != null) {
            checks.add(parked);
        }
        if (b.legacyCur() && b.cur().export().name() != null) {
            String report = b.cur().export().name();
            checks.add(ExportStatusCheck.legacyReport(report, session.report(report)));
        }
        exportCheck("cur-export", exports.cur(), checks);
        exportCheck("focus-export", exports.focus(), checks);
        exportCheck("carbon-export", exports.carbon(), checks);
        return checks;
    }

    /** The freshness checks of a connection with a bucket, or bucket-access alone when the role may not list it. */
    private void deliveries(Session session, Connection c, Exports exports, Instant asOf, List<Check> checks) {
        BillingFacts b = c.billing();
        List<Check> found = new ArrayList<>();
        try {
            if (b.hasBucket()) {
                found.add(!b.cur().located() ? freshness.curUnlocated()
                        : freshness.deliveries(Subject.cur(b.cur().export()), c.registeredAt(),
                                Looked.createdAt(exports.cur()), DeliveryLocator.newestCur(session, b).orElse(null),
                                asOf));
            }
            if (b.hasFocus()) {
                found.add(!b.focus().located() ? freshness.unlocated(FreshnessCheck.FOCUS, "FOCUS export")
                        : freshness.deliveries(Subject.focus(b.focus().export()), c.registeredAt(),
                                Looked.createdAt(exports.focus()), DeliveryLocator.newestFocus(session, b).orElse(null),
                                asOf));
            }
            if (b.hasCarbon()) {
                found.add(!b.carbon().located() ? freshness.carbonUnlocated()
                        : freshness.carbon(c.registeredAt(), Looked.createdAt(exports.carbon()),
                                DeliveryLocator.newestCarbonMonth(session, b).orElse(null), asOf));
            }
        } catch (CustomerAccount.BucketDenied e) {
            found = List.of(Check.of("bucket-access", State.DENIED, "The role cannot list the report prefixes of "
                    + "s3://" + b.bucket() + " (" + e.getMessage() + "). Likely causes: the bucket-read policy was "
                    + "removed from the role, or the bucket policy denies it. Fix: update the connection stack."));
        }
        checks.addAll(found);
    }

    /** BCM Data Exports' state of the feed's export; null when the feed names none. */
    private static Looked lookup(Session session, Feed feed) {
        return feed.export().isKnown() ? new Looked(feed.export(), session.export(feed.export()).orElse(null)) : null;
    }

    private static void exportCheck(String name, Looked looked, List<Check> checks) {
        if (looked != null) {
            checks.add(looked.state() != null ? ExportStatusCheck.of(name, looked.state())
                    : ExportStatusCheck.notFound(name, looked.export()));
        }
    }
}
