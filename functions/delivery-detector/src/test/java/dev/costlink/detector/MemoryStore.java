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

    @Override public Read get(String bucket, String key, int maxBytes) throws NotFound {
        byte[] b = object(key);
        read.addAndGet(b.length);
        if (b.length > maxBytes) {
            throw new IllegalArgumentException("object is larger than " + maxBytes + " bytes");
        }
        return new Read(b, b.length, eTagOf(b));
    }

    @Override public Read head(String bucket, String key, int maxBytes) throws NotFound {
        byte[] b = object(key);
        byte[] h = Arrays.copyOf(b, Math.min(b.length, maxBytes));
        read.addAndGet(h.length);
        return new Read(h, b.length, eTagOf(b));
    }

    @Override public Read tail(String bucket, String key, int maxBytes) throws NotFound {
        byte[] b = object(key);
        byte[] t = Arrays.copyOfRange(b, Math.max(0, b.length - maxBytes), b.length);
        read.addAndGet(t.length);
        return new Read(t, b.length, eTagOf(b));
    }

    @Override public byte[] range(String bucket, String key, long first, long last) throws NotFound {
        byte[] r = Arrays.copyOfRange(object(key), (int) first, (int) last + 1);
        read.addAndGet(r.length);
        return r;
    }

    @Override public long bytesRead() {
        return read.get();
    }
}
