package dev.costlink.verifier;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Messages to the verification queue, in batches within SendMessageBatch's limits (SQS API reference: 10 entries, and
 * a total payload no larger than the queue's maximum message size, 256 KiB by default, kept here as the bound), counting
 * what was queued. A batch with a failed entry throws: SQS redelivers the message whose handling sent it.
 */
public final class Outbox {
    static final int MAX_ENTRIES = 10;
    static final int MAX_BATCH_BYTES = 256 * 1024;

    /** Sends one batch; returns the error messages of the entries SQS did not take (empty when all were). */
    @FunctionalInterface
    public interface Sender {
        List<String> send(List<SendMessageBatchRequestEntry> entries);
    }

    private final Sender sender;
    private final List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
    private int batchBytes;
    private int queued;

    public Outbox(SqsClient sqs, String queueUrl) {
        this(entries -> sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).failed().stream()
                .map(f -> f.message()).toList());
        if (queueUrl == null || queueUrl.isBlank()) {
            throw new IllegalStateException("verifier is not configured: COSTLINK_QUEUE_URL must be set");
        }
    }

    public Outbox(Sender sender) {
        this.sender = sender;
    }

    public void add(VerificationRequest request) {
        add(request.body(), 0);
    }

    /** Queues {@code body}, visible to the workers after {@code delaySeconds} (0 to 900). */
    public void add(String body, int delaySeconds) {
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (!batch.isEmpty() && batchBytes + bytes > MAX_BATCH_BYTES) {
            flush();
        }
        batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size())).messageBody(body)
                .delaySeconds(delaySeconds).build());
        batchBytes += bytes;
        if (batch.size() == MAX_ENTRIES) {
            flush();
        }
    }

    /** Sends what is left; returns how many messages were queued in all. */
    public int flush() {
        if (!batch.isEmpty()) {
            List<String> failed = sender.send(List.copyOf(batch));
            if (!failed.isEmpty()) {
                throw new IllegalStateException(failed.size() + " messages were not queued: " + failed.get(0));
            }
            queued += batch.size();
            batch.clear();
            batchBytes = 0;
        }
        return queued;
    }
}
