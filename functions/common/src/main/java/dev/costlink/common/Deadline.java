package dev.costlink.common;

/** A point in time that work must finish by, on the monotonic clock. */
public final class Deadline {
    private final long deadlineNanos;

    private Deadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    public static Deadline in(long millis) {
        return new Deadline(System.nanoTime() + Math.max(0, millis) * 1_000_000L);
    }

    public long remainingMillis() {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }

    public boolean passed() {
        return remainingMillis() == 0;
    }

    /** The earlier of this deadline and one {@code millis} from now. */
    public Deadline capped(long millis) {
        return new Deadline(Math.min(deadlineNanos, System.nanoTime() + Math.max(0, millis) * 1_000_000L));
    }
}
