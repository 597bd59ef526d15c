package dev.costlink.verifier;

import dev.costlink.common.JsonLog;
import java.util.List;

/**
 * Verifies one connection as of the schedule's instant, records the result and publishes its health event at most
 * once per decision. The record comes first and carries the event as pending; the publish follows and then clears it.
 * So a failed record publishes nothing, a failed publish leaves the event pending for the next run of the same
 * connection (SQS's redelivery, or the next schedule) to publish, and a repeated message finds its verification
 * recorded and does nothing again. Only when the publish succeeds and clearing the marker fails is the same event
 * (same eventId) published a second time.
 */
public final class VerificationWorker {
    /** What became of one request. */
    public enum Outcome {
        /** The connection or its tenant is gone, or the connection is not ACTIVE. */
        INACTIVE,
        /** The connection is PENDING: its role is not proved (RoleProof says why), or it is held for approval. */
        PENDING,
        /** A verification as of this instant or later is already recorded (a repeated or late message). */
        ALREADY_VERIFIED,
        /** Another run recorded first; this run's result was dropped. */
        SUPERSEDED,
        /** Recorded; no event was due. */
        RECORDED,
        /** Recorded and its event published. */
        PUBLISHED
    }

    private final HealthStore store;
    private final HealthPublisher publisher;
    private final ConnectionVerifier verifier;
    private final AlertPolicy alerts;
    private final OrganizationHook organizations;
    private final JsonLog log;
    private final WorkerMetrics metrics;
    private final RoleProof proof;

    public VerificationWorker(HealthStore store, HealthPublisher publisher, ConnectionVerifier verifier,
                              AlertPolicy alerts, JsonLog log) {
        this(store, publisher, verifier, alerts, OrganizationHook.NONE, log, WorkerMetrics.NONE);
    }

    public VerificationWorker(HealthStore store, HealthPublisher publisher, ConnectionVerifier verifier,
                              AlertPolicy alerts, JsonLog log, WorkerMetrics metrics) {
        this(store, publisher, verifier, alerts, OrganizationHook.NONE, log, metrics);
    }

    /**
     * With {@code organizations}, run before a connection's checks (a payer's organisation listing). A member
     * account's connection records its health but publishes no event of its own: its organisation's event reports it
     * (CoverageStep, docs/health-events.md).
     */
    public VerificationWorker(HealthStore store, HealthPublisher publisher, ConnectionVerifier verifier,
                              AlertPolicy alerts, OrganizationHook organizations, JsonLog log, WorkerMetrics metrics) {
        this(store, publisher, verifier, alerts, organizations, log, metrics, RoleProof.NONE);
    }

    /** With {@code proof}, a PENDING connection's role is proved first, and only a connection it makes ACTIVE is checked. */
    public VerificationWorker(HealthStore store, HealthPublisher publisher, ConnectionVerifier verifier,
                              AlertPolicy alerts, OrganizationHook organizations, JsonLog log, WorkerMetrics metrics,
                              RoleProof proof) {
        this.proof = proof;
        this.organizations = organizations;
        this.log = log;
        this.store = store;
        this.publisher = publisher;
        this.verifier = verifier;
        this.alerts = alerts;
        this.metrics = metrics;
    }

    public Outcome handle(VerificationRequest request) {
        if (proof.prove(request.tenant(), request.connection()).keepsPending()) {
            return Outcome.PENDING;
        }
        Connection c = store.load(request.tenant(), request.connection());
        if (c == null) {
            return Outcome.INACTIVE;
        }
        HealthState health = c.health();
        if (health.pending() != null) {
            deliver(c, health.pending());
        }
        if (health.checkedSince(request.asOf())) {
            return Outcome.ALREADY_VERIFIED;
        }
        organizations.beforeChecks(c, request.asOf());
        DeliveryReports reported = store.deliveries(c);
        List<Check> checks = verifier.verify(c, reported, request.asOf());
        HealthStatus status = HealthStatus.of(checks);
        HealthEvent event = !c.organization().isMember() && alerts.shouldPublish(health.status(), status, health.publishedAt(), request.asOf())
                ? HealthEvent.of(c.tenant().name(), c.id(), c.accountId(), c.roleArn(), status, health.status(), checks,
                        reported.newestSummary(), request.asOf())
                : null;
        if (!store.record(c, status, checks, request.asOf(), event)) {
            return Outcome.SUPERSEDED;
        }
        metrics.verified(status, checks, reported.newestValidCurAt(), request.asOf());
        log.info("connection verified", "connection", c.id(), "status", status.name(),
                "previous", health.status() == null ? null : health.status().name(), "publish", event != null);
        if (event == null) {
            return Outcome.RECORDED;
        }
        deliver(c, event);
        return Outcome.PUBLISHED;
    }

    private void deliver(Connection c, HealthEvent event) {
        publisher.publish(event);
        log.info("health event published", "connection", c.id(), "eventId", event.eventId());
        store.published(c, event.eventId());
    }
}
