package dev.costlink.detector;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Byte arrays standing in for a bucket's objects (key to bytes, one bucket); counts what is read, like the S3 store. */
final class MemoryStore implements ObjectStore {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final AtomicLong read = new AtomicLong();
    final AtomicLong requests = new AtomicLong();

    MemoryStore() {}

    MemoryStore(Map<String, byte[]> objects) {
        this.objects.putAll(objects);
    }

    MemoryStore put(String key, byte[] bytes) {
        objects.put(key, bytes);
        return this;
    }

    private byte[] object(String key) throws NotFound {
        requests.incrementAndGet();
        byte[] b = objects.get(key);
        if (b == null) {
            throw new NotFound(key);
        }
        return b;
    }

    static String eTagOf(byte[] bytes) {
        return "\"" + Integer.toHexString(Arrays.hashCode(bytes)) + "-" + bytes.length + "\"";
    }

    /** Runs once, right after the next read of {@code key}: e.g. overwrites it, as a refresh would. */
    final Map<String, Runnable> afterRead = new ConcurrentHashMap<>();

    private void after(String key) {
        Runnable hook = afterRead.remove(key);
        if (hook != null) {
            hook.run();
        }
    }

    @Override public Read whole(String bucket, String key, int maxBytes) throws NotFound, TooLarge {
        byte[] b = object(key);
        if (b.length > maxBytes) {
            throw new TooLarge(b.length, maxBytes);
        }
        read.addAndGet(b.length);
        after(key);
        return new Read(b, b.length, eTagOf(b));
    }

    @Override public Read head(String bucket, String key, int maxBytes) throws NotFound {
        byte[] b = object(key);
        byte[] h = Arrays.copyOf(b, Math.min(b.length, maxBytes));
        read.addAndGet(h.length);
        after(key);
        return new Read(h, b.length, eTagOf(b));
    }

    @Override public Read tail(String bucket, String key, int maxBytes) throws NotFound {
        byte[] b = object(key);
        byte[] t = Arrays.copyOfRange(b, Math.max(0, b.length - maxBytes), b.length);
        read.addAndGet(t.length);
        after(key);
        return new Read(t, b.length, eTagOf(b));
    }

    /** Like S3 with If-Match: a replaced object is Changed (412), never the new version's bytes. */
    @Override public byte[] range(String bucket, String key, long first, long last, String eTag)
            throws NotFound, Changed {
        byte[] b = object(key);
        if (eTag != null && !eTag.equals(eTagOf(b))) {
            throw new Changed(key);
        }
        byte[] r = Arrays.copyOfRange(b, (int) first, (int) last + 1);
        read.addAndGet(r.length);
        after(key);
        return r;
    }

    @Override public long bytesRead() {
        return read.get();
    }
}
