package dev.costlink.verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The records of an SQS batch event, each with the messageId that names it in {@code batchItemFailures}. A record
 * without one cannot be reported (Lambda would fail the whole batch) and cannot have come from SQS: it is counted as
 * unidentifiable, and the caller logs and drops it.
 */
public final class SqsRecords {
    /** One SQS message: its id and its body (null when absent or not a string). */
    public record Message(String messageId, String body) {}

    private final List<Message> messages;
    private final int unidentifiable;

    private SqsRecords(List<Message> messages, int unidentifiable) {
        this.messages = messages;
        this.unidentifiable = unidentifiable;
    }

    public static SqsRecords of(Map<String, Object> event) {
        List<Message> messages = new ArrayList<>();
        int unidentifiable = 0;
        for (Object r : event.get("Records") instanceof List<?> list ? list : List.of()) {
            if (r instanceof Map<?, ?> record && record.get("messageId") instanceof String id && !id.isBlank()) {
                messages.add(new Message(id, record.get("body") instanceof String body ? body : null));
            } else {
                unidentifiable++;
            }
        }
        return new SqsRecords(messages, unidentifiable);
    }

    public List<Message> messages() {
        return messages;
    }

    public int unidentifiable() {
        return unidentifiable;
    }
}
