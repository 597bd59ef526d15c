package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A batch's messages side by side, bounded, each failing alone. Latches, no timing. */
class ConcurrentBatchTest {
    private static List<SqsRecords.Message> messages(int n) {
        return IntStream.range(0, n).mapToObj(i -> new SqsRecords.Message("m" + i, "body" + i)).toList();
    }

    @Test
    void theLimitIsReachedAndTheNextMessageWaitsForASlot() throws Exception {
        int limit = 4;
        ConcurrentBatch batch = new ConcurrentBatch(limit);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch limitStarted = new CountDownLatch(limit);
        CountDownLatch release = new CountDownLatch(1);
        List<List<String>> result = new ArrayList<>();
        Thread dispatcher = new Thread(() -> result.add(batch.failures(messages(12), m -> {
            started.incrementAndGet();
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            limitStarted.countDown();
            try {
                return release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        })));
        dispatcher.start();
        assertTrue(limitStarted.await(60, TimeUnit.SECONDS), "the first four run at once");
        while (!batch.waitingForASlot() && started.get() <= limit) {
            Thread.onSpinWait(); // the dispatcher reaches the fifth message and waits for a slot: no timing involved
        }
        assertEquals(limit, started.get(), "the fifth is not handed over while four are in flight");
        release.countDown();
        dispatcher.join();
        assertEquals(List.of(List.of()), result);
        assertEquals(12, started.get());
        assertEquals(limit, most.get());
    }

    @Test
    void aFailedMessageFailsOnlyItselfAndTheOthersStillRun() {
        Set<String> ran = ConcurrentHashMap.newKeySet();
        List<String> failed = new ConcurrentBatch(3).failures(messages(10), m -> {
            ran.add(m.messageId());
            return !m.messageId().equals("m2") && !m.messageId().equals("m7");
        });
        assertEquals(List.of("m2", "m7"), failed, "in the batch's order");
        assertEquals(10, ran.size());
    }

    @Test
    void aStepThatThrowsFailsOnlyItsMessage() {
        List<String> failed = new ConcurrentBatch(2).failures(messages(5), m -> {
            if (m.messageId().equals("m3")) {
                throw new IllegalStateException("a bug past the step's own net");
            }
            return true;
        });
        assertEquals(List.of("m3"), failed);
    }

    @Test
    void aSlowMessageDoesNotHoldTheOthersBack() {
        CountDownLatch othersDone = new CountDownLatch(9);
        List<String> order = new ArrayList<>();
        List<String> failed = new ConcurrentBatch(2).failures(messages(10), m -> {
            if (m.messageId().equals("m0")) {
                try {
                    // m0 finishes only once the nine after it are done: they ran on the other thread meanwhile.
                    return othersDone.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            synchronized (order) {
                order.add(m.messageId());
            }
            othersDone.countDown();
            return true;
        });
        assertEquals(List.of(), failed);
        assertEquals(9, order.size());
    }

    @Test
    void anErrorFailsTheInvocationOnceEveryOtherMessageIsDone() {
        Error oom = new OutOfMemoryError("simulated");
        Set<String> done = ConcurrentHashMap.newKeySet();
        CountDownLatch errorThrown = new CountDownLatch(1);
        Error thrown = assertThrows(Error.class, () -> new ConcurrentBatch(2).failures(messages(3), m -> {
            if (m.messageId().equals("m0")) {
                errorThrown.countDown();
                throw oom;
            }
            try {
                // The others finish only after the error: the invocation must still wait for them.
                assertTrue(errorThrown.await(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            done.add(m.messageId());
            return true;
        }));
        assertSame(oom, thrown);
        assertEquals(Set.of("m1", "m2"), Set.copyOf(done), "both finished before the error was thrown");
    }

    @Test
    void theLimitComesFromTheEnvironmentWithinBounds() {
        assertEquals(ConcurrentBatch.DEFAULT_LIMIT, ConcurrentBatch.limit(null));
        assertEquals(ConcurrentBatch.DEFAULT_LIMIT, ConcurrentBatch.limit(" "));
        assertEquals(1, ConcurrentBatch.limit("1"));
        assertEquals(ConcurrentBatch.MAX_LIMIT, ConcurrentBatch.limit(" " + ConcurrentBatch.MAX_LIMIT + " "));
        for (String bad : List.of("0", "-3", "65", "many", "1.5")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConcurrentBatch.limit(bad));
            assertTrue(!e.getMessage().contains(bad), "the message does not quote the setting");
        }
    }
}
