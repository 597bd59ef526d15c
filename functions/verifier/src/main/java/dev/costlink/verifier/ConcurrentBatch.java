package dev.costlink.verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Handles the messages of one SQS batch side by side, at most {@code limit} at once, so one worker overlaps the round
 * trips of its connections (AssumeRole, S3, BCM Data Exports, DynamoDB, SNS) instead of waiting for each in turn; the
 * batch is done when every message is. Each message is one {@link Step}: it reports its own failure (false), and
 * only that message is returned for SQS to redeliver. An Error escapes, as it did one message at a time, and fails the
 * invocation (Lambda then retries the whole batch; every step is idempotent).
 *
 * <p>Platform threads, not virtual ones: the steps' collaborators synchronize (Lazy's first construction, JsonLog's
 * line lock), and Java 21 pins a virtual thread that blocks inside {@code synchronized}; a pool of this size costs
 * nothing measurable. The pool lives for the execution environment, like the SDK clients; the semaphore makes the
 * bound the dispatcher's own (the next message is handed over only when a slot is free).
 */
final class ConcurrentBatch {
    /** Messages in flight at once per worker when COSTLINK_WORKER_CONCURRENCY is not set (docs/performance.md). */
    static final int DEFAULT_LIMIT = 16;
    static final int MAX_LIMIT = 64;

    /** One message's whole handling; false when it failed and must be redelivered (the step logged why). */
    interface Step {
        boolean handled(SqsRecords.Message message);
    }

    private final ExecutorService pool;
    private final Semaphore slots;

    ConcurrentBatch(int limit) {
        this.slots = new Semaphore(limit);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(limit, task -> {
            Thread t = new Thread(task, "verify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The limit the environment sets (COSTLINK_WORKER_CONCURRENCY, 1 to MAX_LIMIT), or the default. */
    static int limit(String setting) {
        if (setting == null || setting.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(setting.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("COSTLINK_WORKER_CONCURRENCY must be a whole number");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalStateException("COSTLINK_WORKER_CONCURRENCY must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    /** True while a message waits for one in flight to finish (for tests). */
    boolean waitingForASlot() {
        return slots.hasQueuedThreads();
    }

    /** The messageIds of the messages whose step failed, in the batch's order. */
    List<String> failures(List<SqsRecords.Message> messages, Step step) {
        List<Future<Boolean>> running = new ArrayList<>(messages.size());
        for (SqsRecords.Message m : messages) {
            slots.acquireUninterruptibly();
            try {
                running.add(pool.submit(() -> {
                    try {
                        return step.handled(m);
                    } finally {
                        slots.release();
                    }
                }));
            } catch (RuntimeException refused) {
                slots.release();
                throw refused;
            }
        }
        List<String> failed = new ArrayList<>();
        Error fatal = null;
        for (int i = 0; i < messages.size(); i++) {
            try {
                if (!outcome(running.get(i))) {
                    failed.add(messages.get(i).messageId());
                }
            } catch (Error e) {
                fatal = fatal == null ? e : fatal; // thrown once every message is done: none outlives the invocation
            }
        }
        if (fatal != null) {
            throw fatal;
        }
        return failed;
    }

    private static boolean outcome(Future<Boolean> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the batch's answer needs every outcome: wait on, then restore the flag
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    return false; // a step catches its own exceptions; anything else still fails only its message
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
