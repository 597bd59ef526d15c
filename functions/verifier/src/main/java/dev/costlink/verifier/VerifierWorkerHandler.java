package dev.costlink.verifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.costlink.common.AwsClients;
import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import dev.costlink.common.Lazy;
import dev.costlink.common.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Verifies the connections of one SQS batch, and handles the organisations' messages in it (WorkerMessages: a member
 * change, MemberStep; a coverage, CoverageStep). One bad message never stops the others: a connection whose checks ran is
 * recorded (its failures are health, not errors); a message that could not be processed (unreadable body, or an AWS
 * call that failed) is returned as a batch item failure, for SQS to redeliver and, after the queue's maxReceiveCount,
 * move to the dead-letter queue. A record without a messageId cannot be reported and cannot come from SQS: it is
 * logged and dropped. The messages of a batch are handled side by side (ConcurrentBatch, COSTLINK_WORKER_CONCURRENCY at
 * once), which the messages allow: they are independent, and SQS already hands messages of one run to workers in
 * parallel. Every line logged during an invocation carries its request id: the batch is done before it returns.
 */
public final class VerifierWorkerHandler implements RequestStreamHandler {
    static {
        // The SDK's URL-connection client keeps at most http.maxConnections idle connections per host (5 by default):
        // with more threads than that, the rest would be closed after each call and reconnect (TCP and TLS) each time.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(ConcurrentBatch.MAX_LIMIT));
        }
    }

    private static final JsonLog LOG = new JsonLog("verifier-worker");
    private static final Lazy<ConcurrentBatch> BATCH = new Lazy<>(() -> new ConcurrentBatch(
            ConcurrentBatch.limit(System.getenv("COSTLINK_WORKER_CONCURRENCY"))));
    private static final WorkerMetrics METRICS = new WorkerMetrics(new Metrics(LOG)::emit);
    private static final Lazy<SqsClient> SQS = new Lazy<>(() -> AwsClients.configure(SqsClient.builder()).build());
    private static final Lazy<VerificationWorker> WORKER = new Lazy<>(() -> {
        VerifierConfig cfg = VerifierConfig.from(System.getenv());
        return new VerificationWorker(new Registry(cfg.tenantsTable(), cfg.connectionsTable(), cfg.deliveriesTable()),
                new SnsHealthPublisher(cfg.topicArn()),
                new ConnectionVerifier(new AwsCustomerAccount(), cfg.thresholds()),
                new AlertPolicy(cfg.thresholds().realertInterval()),
                new OrganizationSweep(new AwsOrganizationDirectory(), new OrganizationRegistry(cfg.connectionsTable()),
                        () -> new Outbox(SQS.get(), cfg.queueUrl()), OrganizationConfig.from(System.getenv()), LOG),
                LOG, METRICS, new RoleProof(new Registry(cfg.tenantsTable(), cfg.connectionsTable(), null),
                        new AwsCustomerAccount(), Clock.systemUTC(), LOG, METRICS));
    });
    private static final Lazy<MemberStep> MEMBERS = new Lazy<>(() -> new MemberStep(
            new OrganizationRegistry(VerifierConfig.from(System.getenv()).connectionsTable()), WORKER.get(),
            Clock.systemUTC(), LOG));
    private static final Lazy<CoverageStep> COVERAGE = new Lazy<>(() -> {
        VerifierConfig cfg = VerifierConfig.from(System.getenv());
        return new CoverageStep(new Registry(cfg.tenantsTable(), cfg.connectionsTable(), cfg.deliveriesTable()),
                new OrganizationRegistry(cfg.connectionsTable()), new SnsHealthPublisher(cfg.topicArn()),
                new AlertPolicy(cfg.thresholds().realertInterval()), () -> new Outbox(SQS.get(), cfg.queueUrl()),
                OrganizationConfig.from(System.getenv()), LOG);
    });

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LOG.requestId(context.getAwsRequestId());
        SqsRecords batch = SqsRecords.of(Json.parseObject(input.readAllBytes()));
        if (batch.unidentifiable() > 0) {
            LOG.error("records without a messageId dropped: they cannot be reported and did not come from SQS",
                    "count", batch.unidentifiable());
            METRICS.errors(batch.unidentifiable());
        }
        List<Map<String, String>> failures = BATCH.get().failures(batch.messages(), VerifierWorkerHandler::handle)
                .stream().map(id -> Map.of("itemIdentifier", id)).toList();
        METRICS.errors(failures.size());
        output.write(Json.write(Map.of("batchItemFailures", failures)));
    }

    /** One message, on one of the batch's threads; false (logged) when SQS must redeliver it. */
    private static boolean handle(SqsRecords.Message m) {
        try {
            String task = WorkerMessages.task(m.body());
            String outcome;
            if (task == null) {
                outcome = WORKER.get().handle(VerificationRequest.parse(m.body())).name();
            } else if (task.equals(MemberRequest.TASK)) {
                outcome = MEMBERS.get().handle(MemberRequest.parse(m.body()));
            } else if (task.equals(CoverageRequest.TASK)) {
                outcome = COVERAGE.get().handle(CoverageRequest.parse(m.body())).name();
            } else {
                throw new IllegalArgumentException("the message body's task is not one the worker knows");
            }
            LOG.info("verification handled", "messageId", m.messageId(), "outcome", outcome);
            return true;
        } catch (RuntimeException e) {
            LOG.error("verification could not run; SQS will redeliver", "messageId", m.messageId(),
                    "error", e.getClass().getSimpleName(), "detail", e.getMessage());
            return false;
        }
    }
}
