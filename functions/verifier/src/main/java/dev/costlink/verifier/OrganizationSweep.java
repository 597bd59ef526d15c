package dev.costlink.verifier;

import dev.costlink.common.JsonLog;
import dev.costlink.verifier.OrganizationDirectory.Listing;
import dev.costlink.verifier.OrganizationDirectory.ListingRefused;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A payer connection's organisation, each run, before the payer's own checks: lists the targets' accounts through the
 * payer's role, compares them with the registry's member connections ({@link MemberPlan}), and queues each change as a
 * {@link MemberRequest} (the workers apply them side by side, and verify each member they activate for this run; the
 * scheduler's scan queued the members already ACTIVE), then queues the run's coverage ({@link CoverageStep}), delayed,
 * to be computed once the members are verified. It writes no member itself, so the payer's run takes the time of the
 * listing and of one SendMessageBatch per ten changes, whatever the organisation's size. A listing the customer's side
 * refuses changes no member: the coverage reports it. A payer whose organisation was turned off has its members
 * retired.
 */
public final class OrganizationSweep implements OrganizationHook {
    private final OrganizationDirectory directory;
    private final OrganizationStore store;
    private final Supplier<Outbox> outbox;
    private final OrganizationConfig config;
    private final JsonLog log;

    public OrganizationSweep(OrganizationDirectory directory, OrganizationStore store, Supplier<Outbox> outbox,
                             OrganizationConfig config, JsonLog log) {
        this.directory = directory;
        this.store = store;
        this.outbox = outbox;
        this.config = config;
        this.log = log;
    }

    @Override
    public void beforeChecks(Connection c, Instant asOf) {
        if (c.organization().isPayer()) {
            sweep(c, asOf);
        } else if (c.organization().formerPayer()) {
            retire(c, asOf);
        }
    }

    private void sweep(Connection payer, Instant asOf) {
        OrganizationFacts org = payer.organization().organization();
        Outbox out = outbox.get();
        ListingSummary summary;
        if (!org.usable()) {
            summary = ListingSummary.failed("the registry holds no organisation targets or member role name for this "
                    + "connection (its stack's last event did not report them)");
        } else {
            try {
                Listing listing = directory.list(payer.roleArn(), payer.tenant().externalId(), org);
                MemberPlan plan = MemberPlan.of(listing, store.connectionsOf(payer.tenant().id()), org,
                        payer.roleArn(), payer.key());
                plan.requests(payer.tenant().id(), payer.key(), asOf).forEach(r -> out.add(r.body(), 0));
                summary = ListingSummary.of(listing, plan.expected());
                log.info("organisation listed", "connection", payer.id(), "accounts", listing.accounts().size(),
                        "activate", plan.activate().size(), "refresh", plan.refresh().size(),
                        "park", plan.park().size(), "depart", plan.depart().size());
            } catch (ListingRefused e) {
                log.warn("organisation accounts not listed", "connection", payer.id(), "cause", e.getMessage());
                summary = ListingSummary.failed(e.getMessage());
            }
        }
        out.add(new CoverageRequest(payer.tenant().id(), payer.key(), asOf, 0, summary).body(),
                config.recheckSeconds());
        out.flush();
    }

    /** Queues every member's departure, then forgets the coverage (a failure before that repeats it all next run). */
    private void retire(Connection payer, Instant asOf) {
        Outbox out = outbox.get();
        MemberPlan plan = MemberPlan.retire(store.connectionsOf(payer.tenant().id()), payer.key());
        plan.requests(payer.tenant().id(), payer.key(), asOf).forEach(r -> out.add(r.body(), 0));
        out.flush();
        store.forgetCoverage(payer);
        log.info("organisation turned off: members retired", "connection", payer.id(), "members",
                plan.depart().size());
    }
}
