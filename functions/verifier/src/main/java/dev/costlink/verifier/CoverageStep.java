package dev.costlink.verifier;

import dev.costlink.common.JsonLog;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Computes a run's organisation coverage once the run's members are verified, records it on the payer connection and
 * publishes the organisation event at most once per decision, the way {@link VerificationWorker} does for a
 * connection: a pending event of an earlier run is published first; a coverage already recorded for this run (or a
 * later one) is not computed again; the record carries the event as pending, the publish follows and clears it.
 * <p>
 * While the run's member changes are not all applied (fewer or more ACTIVE members than the listing calls for) or an
 * ACTIVE member is not verified as of the run, it queues itself again, delayed, up to
 * {@link OrganizationConfig#rechecks()} times, then computes the coverage with those named "not verified". An
 * organisation event is due on the first coverage, on a change of its status, when the accounts not connected or
 * their reasons change, and every re-alert interval while UNHEALTHY ({@link AlertPolicy}).
 */
public final class CoverageStep {
    /** What became of one coverage message. */
    public enum Outcome { INACTIVE, ALREADY_RECORDED, WAITING, SUPERSEDED, RECORDED, PUBLISHED }

    private final HealthStore connections;
    private final OrganizationStore store;
    private final HealthPublisher publisher;
    private final AlertPolicy alerts;
    private final Supplier<Outbox> outbox;
    private final OrganizationConfig config;
    private final JsonLog log;

    public CoverageStep(HealthStore connections, OrganizationStore store, HealthPublisher publisher, AlertPolicy alerts,
                        Supplier<Outbox> outbox, OrganizationConfig config, JsonLog log) {
        this.connections = connections;
        this.store = store;
        this.publisher = publisher;
        this.alerts = alerts;
        this.outbox = outbox;
        this.config = config;
        this.log = log;
    }

    public Outcome handle(CoverageRequest request) {
        Connection payer = connections.load(request.tenant(), request.connection());
        if (payer == null || !payer.organization().isPayer()) {
            return Outcome.INACTIVE;
        }
        CoverageState previous = store.coverageOf(payer);
        if (previous.pending() != null) {
            deliver(payer, previous.pending());
        }
        if (previous.recordedSince(request.asOf())) {
            return Outcome.ALREADY_RECORDED;
        }
        List<TenantConnection> known = store.connectionsOf(payer.tenant().id());
        List<TenantConnection> active = known.stream().filter(t -> t.memberOf(payer.key()) && t.active()).toList();
        long unverified = active.stream().filter(t -> !t.verifiedSince(request.asOf())).count();
        boolean changesApplied = !request.listing().listed() || active.size() == request.listing().members();
        if ((unverified > 0 || !changesApplied) && request.attempt() < config.rechecks()) {
            Outbox out = outbox.get();
            out.add(request.next().body(), config.recheckSeconds());
            out.flush();
            log.info("coverage waits for members", "connection", payer.id(), "unverified", unverified,
                    "active", active.size(), "expected", request.listing().members(), "attempt", request.attempt());
            return Outcome.WAITING;
        }
        Coverage coverage = CoverageCheck.of(payer, known, request.listing(), request.asOf());
        HealthStatus status = coverage.status();
        boolean due = previous.status() == null
                || alerts.shouldPublish(previous.status(), status, previous.publishedAt(), request.asOf())
                || !coverage.signature().equals(previous.signature());
        HealthEvent event = due ? OrganizationEvent.of(payer, coverage, previous.status(), request.asOf()) : null;
        Instant publishedAt = event != null ? request.asOf() : previous.publishedAt();
        if (!store.recordCoverage(payer, coverage, request.asOf(), publishedAt, event)) {
            return Outcome.SUPERSEDED;
        }
        log.info("organisation coverage recorded", "connection", payer.id(), "covered", coverage.covered(),
                "accounts", coverage.accounts(), "status", status.name(), "publish", event != null);
        if (event == null) {
            return Outcome.RECORDED;
        }
        deliver(payer, event);
        return Outcome.PUBLISHED;
    }

    private void deliver(Connection payer, HealthEvent event) {
        publisher.publish(event);
        log.info("organisation event published", "connection", payer.id(), "eventId", event.eventId());
        store.coveragePublished(payer, event.eventId());
    }
}
