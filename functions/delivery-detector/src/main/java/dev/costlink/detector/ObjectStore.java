package dev.costlink.detector;

/**
 * The reads the detector makes of a bucket: small objects whose size is checked before their body is read, and byte
 * ranges; never a whole data file. A second read of an object is pinned to the version the first one saw.
 */
public interface ObjectStore {
    /** An object's bytes (possibly a part of it), its total size and ETag. */
    record Read(byte[] bytes, long size, String eTag) {}

    final class NotFound extends Exception {
        public NotFound(String key) {
            super("no such object: " + key);
        }
    }

    /** The object is larger than the caller accepts; its body was not read. */
    final class TooLarge extends Exception {
        public TooLarge(long size, int maxBytes) {
            super("is " + size + " bytes, more than the " + maxBytes + " accepted");
        }
    }

    /** The object was replaced since the read whose ETag pinned this one (S3: 412 Precondition Failed on If-Match). */
    final class Changed extends Exception {
        public Changed(String key) {
            super("replaced during validation: " + key);
        }
    }

    /** The whole object; {@link TooLarge}, known before its body is read, when it has more than {@code maxBytes}. */
    Read whole(String bucket, String key, int maxBytes) throws NotFound, TooLarge;

    /** The first {@code maxBytes} bytes (fewer if the object is smaller) and the object's total size. */
    Read head(String bucket, String key, int maxBytes) throws NotFound;

    /** The last {@code maxBytes} bytes (fewer if the object is smaller) and the object's total size. */
    Read tail(String bucket, String key, int maxBytes) throws NotFound;

    /**
     * Bytes {@code first} to {@code last} inclusive of the version whose ETag is {@code eTag} (from an earlier read of
     * the same object); {@link Changed} if the object has been replaced since.
     */
    byte[] range(String bucket, String key, long first, long last, String eTag) throws NotFound, Changed;

    /** Bytes received so far: the cost a ranged reader is measured by. */
    long bytesRead();
}
