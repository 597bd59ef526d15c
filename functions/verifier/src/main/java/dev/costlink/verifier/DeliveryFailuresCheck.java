package dev.costlink.verifier;

import dev.costlink.verifier.BillingFacts.FailureQueue;
import dev.costlink.verifier.Check.State;
import dev.costlink.verifier.CustomerAccount.QueueUnreadable;
import dev.costlink.verifier.CustomerAccount.Session;

/**
 * The customer's side of "nothing lost": delivery events the connection stack's detector could not hand to the vendor
 * wait (14 days) in the stack's DeliveryFailures queue. Its depth is read through the role, only from a queue URL of
 * the connection's own account and region (SqsQueueUrl); parked events fail the check with the replay fix.
 */
public final class DeliveryFailuresCheck {
    static final String NAME = "delivery-failures";

    private DeliveryFailuresCheck() {}

    /** Null when the registry names no queue (a linked account, or a stack from before the queue was reported). */
    public static Check of(Session session, String accountId, FailureQueue queue) {
        if (queue == null || queue.url() == null) {
            return null;
        }
        SqsQueueUrl url;
        try {
            url = SqsQueueUrl.of(queue.url(), accountId, queue.stackRegion());
        } catch (SqsQueueUrl.Refused e) {
            return Check.of(NAME, State.UNVERIFIABLE, "The DeliveryFailures queue URL the registry holds was not "
                    + "read: " + e.getMessage() + ". Fix: update the connection stack, which reports its queue again.");
        }
        int depth;
        try {
            depth = session.queueDepth(url);
        } catch (QueueUnreadable e) {
            return Check.of(NAME, State.UNVERIFIABLE, "The role cannot read the depth of the connection stack's "
                    + "DeliveryFailures queue " + url.name() + " (" + e.getMessage() + "). Fix: update the connection "
                    + "stack (its role is granted sqs:GetQueueAttributes on that queue).");
        }
        if (depth == 0) {
            return Check.of(NAME, State.OK, "No delivery event waits in the connection stack's DeliveryFailures queue.");
        }
        return Check.of(NAME, State.PARKED, depth + (depth == 1 ? " delivery event waits" : " delivery events wait")
                + " in the connection stack's DeliveryFailures queue " + url.name() + ": the detector could not hand "
                + "them to the vendor (the registry was unreachable, or refused them), so the registry misses those "
                + "deliveries. They expire 14 days after they were parked. Fix, once the registry takes events again: "
                + "replay them as the README says (\"Replaying deliveries the vendor missed\"): receive the messages, "
                + "invoke the stack's DeliveryDetectorFunction with each message's requestPayload, then delete them.");
    }
}
