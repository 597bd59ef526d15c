package dev.costlink.common;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: attempt n waits a random time in [0, min(cap, base * 2^n)). */
public record Backoff(long baseMillis, long capMillis) {
    public static final Backoff VENDOR = new Backoff(250, 8_000);

    public long delayMillis(int attempt) {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt, 20));
        return ThreadLocalRandom.current().nextLong(Math.max(1, ceiling));
    }
}
