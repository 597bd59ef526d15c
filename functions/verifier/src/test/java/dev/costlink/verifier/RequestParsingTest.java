package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestParsingTest {
    private static final String SECRET = "cl-SECRET-never-in-a-message";

    @Test
    void aBodyTheSchedulerWroteReadsBack() {
        VerificationRequest r = new VerificationRequest("t", "111122223333#arn", Instant.parse("2026-11-22T10:00:00Z"));
        assertEquals(r, VerificationRequest.parse(r.body()));
    }

    @Test
    void everyUnreadableBodyIsAClearErrorThatNeverQuotesIt() {
        for (String body : Arrays.asList(null, "", "[\"" + SECRET + "\"]", "\"" + SECRET + "\"", "{" + SECRET,
                "{\"tenant\": \"" + SECRET + "\"}", "{\"tenant\": 5, \"connection\": \"c\", \"asOf\": \"2026-11-22T10:00:00Z\"}",
                "{\"tenant\": \" \", \"connection\": \"c\", \"asOf\": \"2026-11-22T10:00:00Z\"}",
                "{\"tenant\": \"t\", \"connection\": \"c\", \"asOf\": \"" + SECRET + "\"}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> VerificationRequest.parse(body), String.valueOf(body));
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void recordsWithoutAMessageIdAreCountedNotReported() {
        Map<String, Object> noId = new HashMap<>(Map.of("body", "{}"));
        Map<String, Object> blankId = Map.of("messageId", " ", "body", "{}");
        Map<String, Object> good = Map.of("messageId", "m1", "body", "{}");
        Map<String, Object> numericBody = Map.of("messageId", "m2", "body", 5);
        SqsRecords records = SqsRecords.of(Map.of("Records", List.of(good, "text", noId, blankId, numericBody)));
        assertEquals(List.of(new SqsRecords.Message("m1", "{}"), new SqsRecords.Message("m2", null)), records.messages());
        assertEquals(3, records.unidentifiable());
        assertEquals(0, SqsRecords.of(Map.of()).messages().size(), "no Records: nothing to do");
    }
}
