package dev.costlink.registry;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import dev.costlink.common.Lazy;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A verification request on the verifier's queue ({@value #QUEUE_ENV}), in the verifier's own message format
 * (dev.costlink.verifier.VerificationRequest: tenant, connection, asOf). Without a queue configured, nothing is sent.
 */
final class SqsVerificationRequests implements VerificationRequests {
    static final String QUEUE_ENV = "COSTLINK_VERIFICATION_QUEUE_URL";
    private final String queueUrl;
    private final Clock clock;
    private final JsonLog log;
    private final Lazy<SqsClient> sqs = new Lazy<>(() -> AwsClients.configure(SqsClient.builder()).build());

    SqsVerificationRequests(String queueUrl, Clock clock, JsonLog log) {
        this.queueUrl = queueUrl == null || queueUrl.isBlank() ? null : queueUrl;
        this.clock = clock;
        this.log = log;
    }

    /** The message body the verifier's worker reads. */
    static String body(String tenant, String connectionKey, Clock clock) {
        return Json.writeString(Map.of("tenant", tenant, "connection", connectionKey,
                "asOf", clock.instant().toString()));
    }

    @Override
    public void request(String tenant, String connectionKey) {
        if (queueUrl == null) {
            log.warn("no verification queue configured: the verifier's next run proves the connection",
                    "tenant", tenant.substring(0, 12));
            return;
        }
        try {
            sqs.get().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body(tenant, connectionKey, clock)));
        } catch (RuntimeException e) {
            log.warn("verification request not sent: the verifier's next run proves the connection",
                    "tenant", tenant.substring(0, 12), "error", e.getClass().getSimpleName());
        }
    }
}
