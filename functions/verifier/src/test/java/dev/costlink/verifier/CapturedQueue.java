package dev.costlink.verifier;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The verification queue as an {@link Outbox} sends to it: every batch and message kept. */
final class CapturedQueue {
    final List<List<SendMessageBatchRequestEntry>> batches = new ArrayList<>();

    Outbox outbox() {
        return new Outbox(entries -> {
            batches.add(entries);
            return List.of();
        });
    }

    List<SendMessageBatchRequestEntry> messages() {
        return batches.stream().flatMap(List::stream).toList();
    }

    List<Map<String, Object>> bodies() {
        return messages().stream().map(e -> Json.parseObject(e.messageBody().getBytes(StandardCharsets.UTF_8))).toList();
    }
}
