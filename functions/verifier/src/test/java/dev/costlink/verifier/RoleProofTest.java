package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.JsonLog;
import dev.costlink.common.Metrics;
import dev.costlink.verifier.RoleProof.Result;
import dev.costlink.verifier.VerificationWorker.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.StsException;

/** A PENDING connection's role proof: each outcome, each kind of failure, holds and races. */
class RoleProofTest {
    private static final String DENIED = "the vendor cannot assume the role with the tenant's ExternalId (trust policy "
            + "or ExternalId wrong, or the role is not yet visible to STS)";
    private static final String UNREACHABLE = "STS could not be reached; retried on the next run";

    private final InMemoryPendingStore store = new InMemoryPendingStore();
    private final FakeCustomerAccount account = new FakeCustomerAccount();
    private final List<String> assumedWith = new ArrayList<>();
    private Supplier<RuntimeException> stsFailure = () -> null;
    private final List<Map<String, ?>> metrics = new ArrayList<>();
    private final Metrics catalogue = new Metrics(new JsonLog("role-proof-test"));
    private final WorkerMetrics workerMetrics = new WorkerMetrics((d, v) -> {
        catalogue.emit(d, v); // refuses what metrics.json does not declare
        metrics.add(Map.of("dimensions", d, "values", v));
    });
    private final CustomerAccount sts = (roleArn, externalId) -> {
        assumedWith.add(roleArn + " " + externalId);
        RuntimeException e = stsFailure.get();
        if (e != null) {
            throw e;
        }
        return account.assume(roleArn, externalId);
    };
    private final RoleProof proof = new RoleProof(store, sts, Clock.fixed(NOW, ZoneOffset.UTC),
            new JsonLog("role-proof-test"), workerMetrics);

    private Result prove() {
        return proof.prove(store.tenantId, store.key);
    }

    @Test
    void anAssumedRoleMakesTheConnectionActive() {
        assertEquals(Result.PROVED, prove());
        assertEquals(List.of("arn:aws:iam::111122223333:role/CostLink cl-the-external-id"), assumedWith,
                "the reported role, with the tenant's ExternalId");
        assertEquals("ACTIVE", store.status);
        assertEquals(NOW, store.provedAt);
        assertNull(store.reason, "the pending reason is removed");
        assertEquals(List.of(Map.of("dimensions", Map.of(), "values", Map.of("RoleProofsSucceeded", 1))), metrics);
        assertFalse(Result.PROVED.keepsPending());
    }

    @Test
    void aRefusedRoleStaysPendingWithItsReasonAndAlertsNoOne() {
        account.refusal = "AccessDenied: User is not authorized to perform: sts:AssumeRole";
        assertEquals(Result.UNPROVED, prove());
        assertEquals("PENDING", store.status);
        assertEquals(DENIED, store.reason);
        assertEquals(NOW, store.triedAt);
        assertNull(store.provedAt);
        assertEquals(List.of(Map.of("dimensions", Map.of("Reason", "AccessDenied"),
                "values", Map.of("RoleProofsFailed", 1))), metrics);
        assertTrue(Result.UNPROVED.keepsPending());
    }

    @Test
    void stsUnreachableOrThrottledOrFailingIsRetriedOnTheNextRun() {
        List<Supplier<RuntimeException>> failures = List.of(
                () -> SdkClientException.create("Unable to execute HTTP request: connect timed out"),
                () -> StsException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("Throttling").errorMessage("Rate exceeded").build()).build(),
                () -> StsException.builder().statusCode(503).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ServiceUnavailable").build()).build());
        for (Supplier<RuntimeException> failure : failures) {
            store.reason = null;
            stsFailure = failure;
            assertEquals(Result.UNPROVED, prove());
            assertEquals("PENDING", store.status);
            assertEquals(UNREACHABLE, store.reason);
        }
        assertEquals(3, metrics.stream().filter(m -> m.get("dimensions").equals(Map.of("Reason", "StsUnreachable")))
                .count());
    }

    @Test
    void anotherRefusalOfStsSaysSoWithoutQuotingIt() {
        stsFailure = () -> StsException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ValidationError").errorMessage("1 validation error detected: roleArn").build()).build();
        assertEquals(Result.UNPROVED, prove());
        assertEquals("STS refused the request to assume the role; retried on the next run", store.reason);
        assertEquals(Map.of("Reason", "StsRefused"), metrics.get(0).get("dimensions"));
    }

    @Test
    void aHeldConnectionIsNotTried() {
        store.held = true;
        assertEquals(Result.HELD, prove());
        assertEquals(List.of(), assumedWith);
        assertEquals(0, store.writes);
        assertEquals(List.of(), metrics);
        assertTrue(Result.HELD.keepsPending());
    }

    @Test
    void anActiveRevokedOrMissingConnectionHasNothingToProve() {
        for (String status : List.of("ACTIVE", "REVOKED")) {
            store.status = status;
            assertEquals(Result.NOT_PENDING, prove());
        }
        store.status = "PENDING";
        assertEquals(Result.NOT_PENDING, proof.prove(store.tenantId, "other#key"));
        assertEquals(List.of(), assumedWith);
        assertFalse(Result.NOT_PENDING.keepsPending());
    }

    @Test
    void aNewerEventDuringTheProofWinsAndNothingIsWritten() {
        store.beforeWrite = () -> {
            store.lastEventId = "evt-updated";
            store.reason = "the vendor has not yet assumed the role";
        };
        assertEquals(Result.SUPERSEDED, prove());
        assertEquals("PENDING", store.status, "the newer event's connection is proved by the next run");
        assertNull(store.provedAt);
        assertTrue(Result.SUPERSEDED.keepsPending());
    }

    @Test
    void aHoldDuringAFailedProofKeepsTheHoldsReason() {
        account.refusal = "AccessDenied: no";
        store.beforeWrite = () -> {
            store.held = true;
            store.reason = "account outside the tenant's allowed accounts: held for the vendor's approval";
        };
        assertEquals(Result.SUPERSEDED, prove());
        assertEquals("account outside the tenant's allowed accounts: held for the vendor's approval", store.reason);
    }

    @Test
    void theWorkerChecksOnlyWhatTheProofMadeActive() {
        InMemoryHealthStore health = new InMemoryHealthStore(Fixtures.connection(BillingFacts.NONE));
        store.tenantId = health.stored.tenant().id();
        store.key = health.stored.key();
        List<HealthEvent> published = new ArrayList<>();
        VerificationWorker worker = new VerificationWorker(health, published::add,
                new ConnectionVerifier(account, Thresholds.DEFAULT), new AlertPolicy(Duration.ofHours(24)),
                OrganizationHook.NONE, new JsonLog("role-proof-test"), WorkerMetrics.NONE, proof);
        VerificationRequest request = new VerificationRequest(store.tenantId, store.key, NOW);

        account.refusal = "AccessDenied: no";
        assertEquals(Outcome.PENDING, worker.handle(request));
        assertEquals(0, health.records, "no verification recorded");
        assertEquals(List.of(), published, "no health event for a role not yet proved");

        store.held = true;
        assertEquals(Outcome.PENDING, worker.handle(request));

        store.held = false;
        account.refusal = null;
        assertEquals(Outcome.PUBLISHED, worker.handle(request), "proved, then checked as any active connection");
        assertEquals("ACTIVE", store.status);
        assertEquals(1, published.size());
    }
}
