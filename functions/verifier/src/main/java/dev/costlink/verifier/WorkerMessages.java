package dev.costlink.verifier;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The kinds of message on the verification queue, told apart by their {@code task}: none for a connection's
 * verification ({@link VerificationRequest}, what the scheduler sends), {@link MemberRequest#TASK} and
 * {@link CoverageRequest#TASK} for an organisation's. Helpers every message's parser shares; no message is quoted.
 */
final class WorkerMessages {
    private WorkerMessages() {}

    /** The body's task, or null when it has none or is not a JSON object (its own parser then says why). */
    static String task(String body) {
        try {
            return fields(body).get("task") instanceof String t ? t : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Map<String, Object> fields(String body) {
        try {
            return Json.parseObject(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the message body is not a JSON object");
        }
    }

    static String text(Map<String, Object> fields, String name) {
        if (!(fields.get(name) instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("the message body has no " + name + " string");
        }
        return s;
    }

    /** The run's instant every message carries. */
    static Instant asOf(Map<String, Object> fields) {
        String text = text(fields, "asOf");
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the message body's asOf is not an ISO-8601 UTC instant");
        }
    }

    /**
     * Text SQS accepts in a message (#x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF; SendMessage in the
     * SQS API reference): anything else, such as a noncharacter in a customer's account name, becomes U+FFFD.
     */
    static String sqsText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.appendCodePoint(cp == 0x9 || cp == 0xA || cp == 0xD
                || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000 ? cp : 0xFFFD));
        return out.toString();
    }
}
