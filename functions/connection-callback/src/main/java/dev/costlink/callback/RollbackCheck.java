package dev.costlink.callback;

import dev.costlink.common.Deadline;
import dev.costlink.common.JsonLog;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether an Update arrived while its stack rolls back. Asked as soon as the Update arrives, beside the vendor call
 * (DescribeStacks, with the SDK client's creation, takes a good part of a second when cold), so the answer never waits
 * for it at the last moment. A status not known when the answer is due counts as rolling back: the choice that can
 * never strand a stack in UPDATE_ROLLBACK_FAILED.
 */
final class RollbackCheck {
    static final RollbackCheck NOT_AN_UPDATE = new RollbackCheck(CompletableFuture.completedFuture(false));

    private final CompletableFuture<Boolean> rollingBack;

    private RollbackCheck(CompletableFuture<Boolean> rollingBack) {
        this.rollingBack = rollingBack;
    }

    static RollbackCheck start(StackStatus status, String stackId, Executor executor) {
        return new RollbackCheck(CompletableFuture.supplyAsync(() -> status.rollingBack(stackId), executor));
    }

    /** True when rolling back, or when the lookup has failed or has not answered by {@code by}. */
    boolean rollingBackOrUnknown(Deadline by, JsonLog log) {
        try {
            return rollingBack.get(by.remainingMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("the stack's status is not known in time; completing rather than risking a stuck rollback");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            log.warn("cannot tell whether the stack is rolling back; completing rather than risking a stuck rollback",
                    "error", cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
