package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a scheduled run queues: ACTIVE connections, and PENDING ones unless held for the vendor's approval. */
class ScheduledSelectionTest {
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "ACTIVE, null, true",
            "ACTIVE, APPROVED, true",
            "PENDING, null, true",
            "PENDING, APPROVED, true",
            "PENDING, REQUIRED, false",
            "REVOKED, null, false",
            "REVOKED, APPROVED, false",
            "null, null, false",
            "SOMETHING-NEW, null, false"})
    void due(String status, String approval, boolean queued) {
        assertEquals(queued, ScheduledSelection.due(status, approval));
    }
}
