package dev.costlink.detector;

/** The reads the detector makes of a bucket: whole small objects and byte ranges, never a whole data file. */
public interface ObjectStore {
    /** An object's bytes (possibly a suffix of it), its total size and ETag. */
    record Read(byte[] bytes, long size, String eTag) {}

    final class NotFound extends Exception {
        public NotFound(String key) {
            super("no such object: " + key);
        }
    }

    /** The whole object, refused when larger than {@code maxBytes}. */
    Read get(String bucket, String key, int maxBytes) throws NotFound;

    /** The first {@code maxBytes} bytes (fewer if the object is smaller) and the object's total size. */
    Read head(String bucket, String key, int maxBytes) throws NotFound;

    /** The last {@code maxBytes} bytes (fewer if the object is smaller) and the object's total size. */
    Read tail(String bucket, String key, int maxBytes) throws NotFound;

    /** Bytes {@code first} to {@code last} inclusive. */
    byte[] range(String bucket, String key, long first, long last) throws NotFound;

    /** Bytes received so far: the cost a ranged reader is measured by. */
    long bytesRead();
}
