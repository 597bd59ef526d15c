package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqsVerificationRequestsTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void theBodyIsTheVerifiersVerificationRequest() {
        String body = SqsVerificationRequests.body("a".repeat(64), "111122223333#arn:aws:iam::111122223333:role/R", CLOCK);
        assertEquals(Map.of("tenant", "a".repeat(64), "connection", "111122223333#arn:aws:iam::111122223333:role/R",
                "asOf", "2026-11-23T12:00:00Z"), Json.parseObject(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withoutAQueueNothingIsSentAndTheAnswerIsUnchanged() {
        CapturedLog captured = new CapturedLog();
        new SqsVerificationRequests(" ", CLOCK, captured.log).request("a".repeat(64), "k");
        assertTrue(captured.text().contains("no verification queue configured"), captured.text());
    }

    @Test
    void aQueueThatCannotBeReachedIsLoggedNotThrown() {
        CapturedLog captured = new CapturedLog();
        // No credentials or endpoint in a unit test: the client cannot be made or cannot send; either way a log line.
        new SqsVerificationRequests("http://127.0.0.1:9/queue/none", CLOCK, captured.log).request("a".repeat(64), "k");
        assertTrue(captured.text().contains("verification request not sent"), captured.text());
        assertTrue(!captured.text().contains("a".repeat(64)), "the tenant hash is truncated in logs");
    }
}
