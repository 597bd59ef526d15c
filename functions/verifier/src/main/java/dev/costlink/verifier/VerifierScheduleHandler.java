package dev.costlink.verifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.costlink.common.AwsClients;
import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * On the schedule: pages through the registry's active connections and queues one message per connection (batches of
 * ten) for the workers, carrying the schedule's time so every connection is judged as of the same instant.
 */
public final class VerifierScheduleHandler implements RequestStreamHandler {
    private static final JsonLog LOG = new JsonLog("verifier-schedule");

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LOG.requestId(context.getAwsRequestId());
        VerifierConfig cfg = VerifierConfig.from(System.getenv());
        Map<String, Object> event = Json.parseObject(input.readAllBytes());
        String asOf = event.get("time") instanceof String t ? Instant.parse(t).toString() : Instant.now().toString();
        SqsClient sqs = AwsClients.configure(SqsClient.builder()).build();
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        int[] queued = {0};
        new Registry(cfg.tenantsTable(), cfg.connectionsTable(), null).forEachActive(keys -> {
            batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size()))
                    .messageBody(Json.writeString(Map.of("tenant", keys[0], "connection", keys[1], "asOf", asOf)))
                    .build());
            if (batch.size() == 10) {
                queued[0] += send(sqs, cfg.queueUrl(), batch);
            }
        });
        if (!batch.isEmpty()) {
            queued[0] += send(sqs, cfg.queueUrl(), batch);
        }
        LOG.info("connections queued for verification", "count", queued[0], "asOf", asOf);
        output.write(Json.write(Map.of("queued", queued[0], "asOf", asOf)));
    }

    private static int send(SqsClient sqs, String queueUrl, List<SendMessageBatchRequestEntry> batch) {
        var result = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch));
        if (!result.failed().isEmpty()) {
            throw new IllegalStateException(result.failed().size() + " messages were not queued: "
                    + result.failed().get(0).message());
        }
        int n = batch.size();
        batch.clear();
        return n;
    }
}
