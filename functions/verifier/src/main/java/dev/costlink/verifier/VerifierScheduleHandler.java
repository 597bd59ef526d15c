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
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * On the schedule: pages through the registry's connections due for verification (ACTIVE ones, and PENDING ones not held
 * for the vendor's approval, whose role the worker proves first: ScheduledSelection, RoleProof) and queues one message
 * per connection (batches of ten) for the workers, carrying the schedule's time so every connection is judged as of
 * the same instant.
 */
public final class VerifierScheduleHandler implements RequestStreamHandler {
    private static final JsonLog LOG = new JsonLog("verifier-schedule");
    private static final Metrics METRICS = new Metrics(LOG);
    private static final Lazy<SqsClient> SQS = new Lazy<>(() -> AwsClients.configure(SqsClient.builder()).build());

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        LOG.requestId(context.getAwsRequestId());
        VerifierConfig cfg = VerifierConfig.from(System.getenv());
        Map<String, Object> event = Json.parseObject(input.readAllBytes());
        Instant asOf = event.get("time") instanceof String t ? Instant.parse(t) : Instant.now();
        Outbox outbox = new Outbox(SQS.get(), cfg.queueUrl());
        new Registry(cfg.tenantsTable(), cfg.connectionsTable(), null)
                .forEachDue((tenant, key) -> outbox.add(new VerificationRequest(tenant, key, asOf)));
        int queued = outbox.flush();
        LOG.info("connections queued for verification", "count", queued, "asOf", asOf.toString());
        // A run that failed emits nothing: the verifier-silent alarm then sees no VerifierRuns, as for a missed run.
        METRICS.emit(Map.of(), Map.of("VerifierRuns", 1, "ConnectionsQueued", queued,
                "VerifierRunDuration", (System.nanoTime() - started) / 1_000_000));
        output.write(Json.write(Map.of("queued", queued, "asOf", asOf.toString())));
    }
}
