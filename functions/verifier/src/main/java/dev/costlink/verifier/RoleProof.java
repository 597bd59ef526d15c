package dev.costlink.verifier;

import dev.costlink.common.JsonLog;
import java.time.Clock;
import java.time.Instant;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Proves a PENDING connection's role before it is verified: the vendor assumes the role the connection event reported
 * with the tenant's ExternalId. Success makes the connection ACTIVE (one conditional update, {@link PendingStore}), and
 * its checks then run as for any active connection. Failure keeps it PENDING with a reason people can act on, and
 * alerts no one: a role not yet proved is not a broken connection (a metric and a log line count it). A connection
 * held for the vendor's approval is not tried. Every outcome, the exception paths included, goes through
 * {@link #failed} or the activation: one place decides what is written.
 */
public final class RoleProof {
    /** What became of one connection. */
    public enum Result {
        /** Not PENDING (ACTIVE, REVOKED or gone): nothing to prove. */
        NOT_PENDING(false),
        /** Held for the vendor's approval (the tenant's policy): not tried. */
        HELD(true),
        /** The role was assumed and the connection is ACTIVE now. */
        PROVED(false),
        /** The connection changed while it was being proved (a newer event, a hold): nothing was written. */
        SUPERSEDED(true),
        /** The role could not be assumed: still PENDING, with its reason. */
        UNPROVED(true);

        private final boolean keepsPending;

        Result(boolean keepsPending) {
            this.keepsPending = keepsPending;
        }

        /** True when the connection is not (or not known to be) ACTIVE after the proof: no check may run. */
        public boolean keepsPending() {
            return keepsPending;
        }
    }

    /** Why a proof failed: the reason stored on the connection and the metric's Reason dimension. */
    enum Failure {
        ACCESS_DENIED("AccessDenied", "the vendor cannot assume the role with the tenant's ExternalId (trust policy or "
                + "ExternalId wrong, or the role is not yet visible to STS)"),
        STS_UNREACHABLE("StsUnreachable", "STS could not be reached; retried on the next run"),
        STS_REFUSED("StsRefused", "STS refused the request to assume the role; retried on the next run");

        final String metricReason;
        final String reason;

        Failure(String metricReason, String reason) {
            this.metricReason = metricReason;
            this.reason = reason;
        }
    }

    /** For workers without proofs (tests of other parts): nothing is ever PENDING. */
    public static final RoleProof NONE = new RoleProof(new PendingStore() {
        @Override
        public PendingConnection pending(String tenantId, String key) {
            return null;
        }

        @Override
        public boolean activate(PendingConnection c, Instant provedAt) {
            throw new IllegalStateException("nothing is pending");
        }

        @Override
        public boolean unproved(PendingConnection c, String reason, Instant triedAt) {
            throw new IllegalStateException("nothing is pending");
        }
    }, (roleArn, externalId) -> {
        throw new IllegalStateException("nothing is pending");
    }, Clock.systemUTC(), new JsonLog("role-proof"), WorkerMetrics.NONE);

    private final PendingStore store;
    private final CustomerAccount account;
    private final Clock clock;
    private final JsonLog log;
    private final WorkerMetrics metrics;

    public RoleProof(PendingStore store, CustomerAccount account, Clock clock, JsonLog log, WorkerMetrics metrics) {
        this.store = store;
        this.account = account;
        this.clock = clock;
        this.log = log;
        this.metrics = metrics;
    }

    public Result prove(String tenantId, String key) {
        PendingConnection c = store.pending(tenantId, key);
        if (c == null) {
            return Result.NOT_PENDING;
        }
        if (c.held()) {
            log.info("connection held for the vendor's approval: not proved", "connection", key);
            return Result.HELD;
        }
        Instant now = clock.instant();
        try {
            account.assume(c.roleArn(), c.externalId());
        } catch (CustomerAccount.AssumeRoleRefused e) {
            return failed(c, Failure.ACCESS_DENIED, now);
        } catch (SdkClientException e) {
            return failed(c, Failure.STS_UNREACHABLE, now);
        } catch (AwsServiceException e) {
            return failed(c, e.isThrottlingException() || e.statusCode() >= 500 ? Failure.STS_UNREACHABLE
                    : Failure.STS_REFUSED, now);
        }
        if (!store.activate(c, now)) {
            log.info("connection changed while its role was proved: left to the next run", "connection", key);
            return Result.SUPERSEDED;
        }
        metrics.roleProved();
        log.info("role proved: connection ACTIVE", "connection", key);
        return Result.PROVED;
    }

    private Result failed(PendingConnection c, Failure failure, Instant now) {
        boolean written = store.unproved(c, failure.reason, now);
        metrics.roleProofFailed(failure.metricReason);
        log.warn("role not proved: connection stays PENDING", "connection", c.key(), "reason", failure.metricReason);
        return written ? Result.UNPROVED : Result.SUPERSEDED;
    }
}
