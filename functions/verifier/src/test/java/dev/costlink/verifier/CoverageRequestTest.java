package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The coverage message: told apart from a connection's, read back as written, refused without being quoted. */
class CoverageRequestTest {
    private static final Instant AS_OF = Instant.parse("2026-06-25T12:00:00Z");

    @Test
    void aBodyReadsBackAsWritten() {
        CoverageRequest r = new CoverageRequest("t".repeat(64), "900000000000#arn", AS_OF, 3,
                new ListingSummary(null, "900000000000", true, 17));
        assertEquals(r, CoverageRequest.parse(r.body()));
        CoverageRequest failed = new CoverageRequest("t", "c", AS_OF, 0, ListingSummary.failed("denied\n\u0007 here"));
        assertEquals("denied here", CoverageRequest.parse(failed.body()).listing().error(), "printable ASCII only");
        assertEquals(4, r.next().attempt());
    }

    @Test
    void itsTaskTellsItFromOtherMessages() {
        assertEquals(CoverageRequest.TASK, WorkerMessages.task(
                new CoverageRequest("t", "c", AS_OF, 0, ListingSummary.failed("x")).body()));
        assertNull(WorkerMessages.task(new VerificationRequest("t", "c", AS_OF).body()));
        assertNull(WorkerMessages.task("{not json"));
        assertNull(WorkerMessages.task(null));
        assertEquals("something-else", WorkerMessages.task("{\"task\": \"something-else\"}"));
    }

    @Test
    void aMalformedBodyIsRefusedWithoutQuotingIt() {
        String secret = "cl-looks-like-an-external-id";
        for (String body : new String[] {
                "{\"task\":\"organization-coverage\",\"tenant\":\"" + secret + "\"}",
                "{\"task\":\"organization-coverage\",\"tenant\":\"t\",\"connection\":\"c\",\"asOf\":\"" + secret + "\"}",
                "{\"task\":\"organization-coverage\",\"tenant\":\"t\",\"connection\":\"c\",\"asOf\":\"2026-06-25T12:00:00Z\","
                        + "\"attempt\":-1,\"listing\":{}}",
                "{\"task\":\"organization-coverage\",\"tenant\":\"t\",\"connection\":\"c\",\"asOf\":\"2026-06-25T12:00:00Z\","
                        + "\"attempt\":0,\"listing\":{\"managementInTargets\":true}}",
                "{\"task\":\"organization-coverage\",\"tenant\":\"t\",\"connection\":\"c\",\"asOf\":\"2026-06-25T12:00:00Z\","
                        + "\"attempt\":0,\"listing\":{\"members\":-3}}",
                "[\"" + secret + "\"]"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoverageRequest.parse(body));
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
    }
}
