package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.verifier.BillingFacts.FailureQueue;
import dev.costlink.verifier.Check.State;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stack's queue of delivery events the vendor missed: read only in the connection's account and region. */
class DeliveryFailuresCheckTest {
    private static final String ACCOUNT = Fixtures.ACCOUNT;
    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures";
    private final FakeCustomerAccount aws = new FakeCustomerAccount();

    private Check check(String url, String region) throws Exception {
        return DeliveryFailuresCheck.of(aws.assume("r", "e"), ACCOUNT, new FailureQueue(url, region));
    }

    @Test
    void parkedEventsFailWithTheReplayFix() throws Exception {
        aws.queues.put(QUEUE, 3);
        Check c = check(QUEUE, "us-east-1");
        assertEquals(State.PARKED, c.state());
        assertEquals(Check.Result.FAIL, c.result());
        assertTrue(c.detail().startsWith("3 delivery events wait in the connection stack's DeliveryFailures queue "
                + "CostLink-DeliveryFailures"), c.detail());
        assertTrue(c.detail().contains("\"Replaying deliveries the vendor missed\"") && c.detail().contains("14 days"),
                c.detail());
        aws.queues.put(QUEUE, 0);
        assertEquals(State.OK, check(QUEUE, "us-east-1").state());
        assertEquals(List.of(QUEUE, QUEUE), aws.queuesRead);
    }

    @Test
    void noQueueInTheFactsIsNoCheck() throws Exception {
        assertNull(DeliveryFailuresCheck.of(aws.assume("r", "e"), ACCOUNT, null));
        assertNull(check(null, "us-east-1"));
        assertEquals(List.of(), aws.queuesRead);
    }

    @Test
    void aQueueTheRoleCannotReadIsAWarningWithTheFix() throws Exception {
        aws.queueRefusal = "AccessDenied: not authorized to perform: sqs:GetQueueAttributes";
        Check c = check(QUEUE, "us-east-1");
        assertEquals(State.UNVERIFIABLE, c.state());
        assertTrue(c.detail().contains("sqs:GetQueueAttributes on that queue"), c.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://sqs.us-east-1.amazonaws.com/999988887777/CostLink-DeliveryFailures",
        "https://sqs.eu-west-1.amazonaws.com/111122223333/CostLink-DeliveryFailures",
        "http://sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures",
        "https://sqs.us-east-1.amazonaws.com:8443/111122223333/CostLink-DeliveryFailures",
        "https://user@sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures",
        "https://sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures?Action=DeleteQueue",
        "https://sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures#x",
        "https://sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures/",
        "https://sqs.us-east-1.amazonaws.com/111122223333/../other/q",
        "https://sqs.us-east-1.amazonaws.com.evil.example/111122223333/q",
        "https://evil.example/sqs.us-east-1.amazonaws.com/111122223333/q",
        "https://169.254.169.254/latest/meta-data/",
        "https://sqs.us-east-1.amazonaws.com/111122223333/q%2F..",
        "not a url at all \u0000 cl-SECRET",
        "https://sqs.us-east-1.amazonaws.com/111122223333/qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
        ""})
    void aUrlOutsideTheConnectionsAccountAndRegionIsRefusedUnreadAndUnquoted(String url) throws Exception {
        aws.queues.put(url, 7);
        Check c = check(url, "us-east-1");
        assertEquals(State.UNVERIFIABLE, c.state());
        assertEquals(List.of(), aws.queuesRead, "nothing is called");
        assertTrue(url.isEmpty() || !c.detail().contains(url), c.detail());
        assertFalse(c.detail().contains("SECRET") || c.detail().contains("evil") || c.detail().contains("999988887777"),
                c.detail());
    }

    @Test
    void theReasonNamesTheRuleBroken() {
        assertEquals("the queue belongs to another account than the connection's", assertThrows(SqsQueueUrl.Refused.class,
                () -> SqsQueueUrl.of(QUEUE.replace(ACCOUNT, "999988887777"), ACCOUNT, "us-east-1")).getMessage());
        assertEquals("the queue is in another region than the connection stack's", assertThrows(
                SqsQueueUrl.Refused.class, () -> SqsQueueUrl.of(QUEUE, ACCOUNT, "eu-west-1")).getMessage());
        assertTrue(assertThrows(SqsQueueUrl.Refused.class, () -> SqsQueueUrl.of(QUEUE, ACCOUNT, null)).getMessage()
                .contains("holds no region"));
    }

    @Test
    void theUrlCalledIsRebuiltFromItsCheckedParts() throws Exception {
        SqsQueueUrl q = SqsQueueUrl.of(QUEUE, ACCOUNT, "us-east-1");
        assertEquals(QUEUE, q.canonical());
        assertEquals("us-east-1", q.region());
        assertEquals("https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q.fifo",
                SqsQueueUrl.of("https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q.fifo", ACCOUNT, "cn-north-1")
                        .canonical());
        String longest = "q".repeat(75) + ".fifo";
        assertEquals(longest, SqsQueueUrl.of(QUEUE.replace("CostLink-DeliveryFailures", longest), ACCOUNT, "us-east-1")
                .name(), "80 characters, the suffix included");
        assertThrows(SqsQueueUrl.Refused.class, () -> SqsQueueUrl.of(QUEUE.replace("CostLink-DeliveryFailures",
                "q" + longest), ACCOUNT, "us-east-1"));
    }
}
