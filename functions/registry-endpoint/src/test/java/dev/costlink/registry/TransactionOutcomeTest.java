package dev.costlink.registry;

import static dev.costlink.registry.Recording.Outcome.BUSY;
import static dev.costlink.registry.Recording.Outcome.CONNECTION_CHANGED;
import static dev.costlink.registry.Recording.Outcome.DUPLICATE;
import static dev.costlink.registry.Recording.Outcome.UNSTORABLE;
import static dev.costlink.registry.TransactionOutcome.Item.EFFECT;
import static dev.costlink.registry.TransactionOutcome.Item.GUARDED_CONNECTION;
import static dev.costlink.registry.TransactionOutcome.Item.SEEN_EVENT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionOutcomeTest {
    private static final List<TransactionOutcome.Item> CONNECTION = List.of(SEEN_EVENT, GUARDED_CONNECTION);
    private static final List<TransactionOutcome.Item> DELIVERY = List.of(SEEN_EVENT, EFFECT, GUARDED_CONNECTION);

    private static Recording.Outcome outcome(List<TransactionOutcome.Item> items, String... codes) {
        return TransactionOutcome.of(Arrays.asList(codes), items).outcome();
    }

    @Test
    void aSeenEventAloneIsADuplicate() {
        assertEquals(DUPLICATE, outcome(CONNECTION, "ConditionalCheckFailed", "None"));
        assertEquals(DUPLICATE, outcome(DELIVERY, "ConditionalCheckFailed", "None", "None"));
        assertEquals(DUPLICATE, outcome(DELIVERY, "ConditionalCheckFailed", null, null), "a null code is None");
    }

    @Test
    void everyReasonIsExaminedNotOnlyTheFirst() {
        assertEquals(UNSTORABLE, outcome(CONNECTION, "ConditionalCheckFailed", "ValidationError"));
        assertEquals(BUSY, outcome(DELIVERY, "ConditionalCheckFailed", "ThrottlingError", "None"));
        assertEquals(CONNECTION_CHANGED, outcome(DELIVERY, "ConditionalCheckFailed", "None", "ConditionalCheckFailed"));
    }

    @Test
    void aFailedConditionOnTheConnectionMeansDecideAgain() {
        assertEquals(CONNECTION_CHANGED, outcome(CONNECTION, "None", "ConditionalCheckFailed"));
        assertEquals(CONNECTION_CHANGED, outcome(DELIVERY, "None", "None", "ConditionalCheckFailed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ValidationError", "ItemCollectionSizeLimitExceeded"})
    void permanentRefusalsAreNotRetried(String code) {
        assertEquals(UNSTORABLE, outcome(CONNECTION, "None", code));
        assertEquals(UNSTORABLE, outcome(DELIVERY, code, "None", "None"));
        assertEquals(UNSTORABLE, outcome(DELIVERY, "None", "TransactionConflict", code), "permanent wins");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded",
            "SomeCodeDynamoDbAddsLater"})
    void transientOrUnknownCausesAreRetried(String code) {
        assertEquals(BUSY, outcome(CONNECTION, code, "None"));
        assertEquals(BUSY, outcome(DELIVERY, "None", code, "ConditionalCheckFailed"));
    }

    @Test
    void reasonsThatExplainNothingAreRetried() {
        assertEquals(BUSY, outcome(CONNECTION));
        assertEquals(BUSY, outcome(CONNECTION, "None", "None"));
        assertEquals(BUSY, outcome(DELIVERY, "ConditionalCheckFailed", "None"), "count differs from the items");
        assertEquals(BUSY, outcome(DELIVERY, "None", "ConditionalCheckFailed", "None"), "no condition on that item");
    }

    @Test
    void theDetailNamesTheCodes() {
        assertEquals("cancellation reasons [None, ValidationError]",
                TransactionOutcome.of(List.of("None", "ValidationError"), CONNECTION).detail());
    }
}
