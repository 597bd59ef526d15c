package dev.costlink.verifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.costlink.common.AwsClients;
import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import dev.costlink.common.Lazy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Verifies the connections of one SQS batch. One bad connection never stops the others: a connection whose checks ran
 * is recorded (its failures are health, not errors); only a message that could not be processed at all is returned
 * as a batch item failure, for SQS to redeliver.
 */
public final class VerifierWorkerHandler implements RequestStreamHandler {
    private static final JsonLog LOG = new JsonLog("verifier-worker");
    private final Lazy<SnsClient> sns = new Lazy<>(() -> AwsClients.configure(SnsClient.builder()).build());
    private final CustomerAccount account = new AwsCustomerAccount();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LOG.requestId(context.getAwsRequestId());
        VerifierConfig cfg = VerifierConfig.from(System.getenv());
        Registry registry = new Registry(cfg.tenantsTable(), cfg.connectionsTable(), cfg.deliveriesTable());
        ConnectionVerifier verifier = new ConnectionVerifier(account, cfg.thresholds());
        AlertPolicy alerts = new AlertPolicy(cfg.thresholds().realertInterval());
        List<Map<String, String>> failures = new ArrayList<>();
        Object records = Json.parseObject(input.readAllBytes()).get("Records");
        for (Object r : records instanceof List<?> l ? l : List.of()) {
            Map<?, ?> record = (Map<?, ?>) r;
            String messageId = String.valueOf(record.get("messageId"));
            try {
                Map<String, Object> msg = Json.parseObject(String.valueOf(record.get("body")).getBytes(StandardCharsets.UTF_8));
                Connection c = registry.load((String) msg.get("tenant"), (String) msg.get("connection"));
                if (c == null) {
                    LOG.info("connection no longer active: skipped", "connection", msg.get("connection"));
                    continue;
                }
                Instant asOf = Instant.parse((String) msg.get("asOf"));
                List<Check> checks = verifier.verify(c, asOf);
                HealthStatus status = HealthStatus.of(checks);
                boolean publish = alerts.shouldPublish(c.lastStatus(), status, c.lastPublishedAt(), asOf);
                if (publish) {
                    HealthEvent event = HealthEvent.of(c.tenantName(), c.connectionKey(), c.accountId(), c.roleArn(),
                            status, c.lastStatus(), checks, registry.lastDelivery(c), asOf);
                    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
                    event.attributes().forEach((k, v) -> attributes.put(k,
                            MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
                    sns.get().publish(p -> p.topicArn(cfg.topicArn()).subject(event.subject()).message(event.message())
                            .messageAttributes(attributes));
                }
                registry.record(c, status, checks, asOf, publish);
                LOG.info("connection verified", "connection", c.connectionKey(), "status", status.name(),
                        "previous", c.lastStatus() == null ? null : c.lastStatus().name(), "published", publish);
            } catch (RuntimeException e) {
                LOG.error("verification could not run; SQS will redeliver", "messageId", messageId,
                        "error", e.getClass().getSimpleName(), "detail", e.getMessage());
                failures.add(Map.of("itemIdentifier", messageId));
            }
        }
        output.write(Json.write(Map.of("batchItemFailures", failures)));
    }
}
