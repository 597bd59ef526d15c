package dev.costlink.callback;

/** Whether the stack that sent a request is rolling back: an Update then restores what the vendor already has. */
@FunctionalInterface
public interface StackStatus {
    /** True when rolling back; throws when it cannot be told. */
    boolean rollingBack(String stackId);
}
