package dev.costlink.common;

import java.util.function.Supplier;

/**
 * A value made on first use and kept: how functions hold SDK clients, so an invocation that never needs one never
 * pays for building it, and warm invocations reuse it.
 */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile T value;

    public Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                if (value == null) {
                    value = factory.get();
                }
                v = value;
            }
        }
        return v;
    }
}
