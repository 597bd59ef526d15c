package dev.costlink.detector;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link ObjectStore} over S3 ranged GETs, with one lazily created client shared across invocations. */
public final class S3ObjectStore implements ObjectStore {
    private static final Lazy<S3Client> CLIENT = new Lazy<>(
            () -> AwsClients.configure(S3Client.builder()).forcePathStyle(AwsClients.emulated()).build());
    private final AtomicLong bytesRead = new AtomicLong();

    /** One ranged GET: the size (Content-Range) is known before the body, which is left unread if it is too large. */
    @Override
    public Read whole(String bucket, String key, int maxBytes) throws NotFound, TooLarge {
        Read r = ranged(bucket, key, "bytes=0-" + (maxBytes - 1), maxBytes);
        if (r.size() > maxBytes) {
            throw new TooLarge(r.size(), maxBytes);
        }
        return r;
    }

    @Override
    public Read head(String bucket, String key, int maxBytes) throws NotFound {
        return ranged(bucket, key, "bytes=0-" + (maxBytes - 1), Long.MAX_VALUE);
    }

    @Override
    public Read tail(String bucket, String key, int maxBytes) throws NotFound {
        return ranged(bucket, key, "bytes=-" + maxBytes, Long.MAX_VALUE);
    }

    @Override
    public byte[] range(String bucket, String key, long first, long last, String eTag) throws NotFound, Changed {
        try {
            return get(bucket, key, "bytes=" + first + "-" + last, eTag, Long.MAX_VALUE).bytes();
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new Changed(key);
            }
            throw e;
        }
    }

    @Override
    public long bytesRead() {
        return bytesRead.get();
    }

    private Read ranged(String bucket, String key, String range, long readUpTo) throws NotFound {
        try {
            return get(bucket, key, range, null, readUpTo);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) { // any range of an empty object
                return new Read(new byte[0], 0, null);
            }
            throw e;
        }
    }

    /** The body is read only when the object's total size is at most {@code readUpTo}; else it is aborted unread. */
    private Read get(String bucket, String key, String range, String ifMatch, long readUpTo) throws NotFound {
        try {
            return CLIENT.get().getObject(b -> b.bucket(bucket).key(key).range(range).ifMatch(ifMatch),
                    (response, body) -> {
                        long size = totalSize(response);
                        if (size > readUpTo) {
                            body.abort();
                            return new Read(new byte[0], size, response.eTag());
                        }
                        byte[] bytes = body.readAllBytes();
                        bytesRead.addAndGet(bytes.length);
                        return new Read(bytes, size < 0 ? bytes.length : size, response.eTag());
                    });
        } catch (NoSuchKeyException e) {
            throw new NotFound(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NotFound(key);
            }
            throw e;
        }
    }

    /** "bytes 100-199/2000" gives 2000; without a Content-Range the body is the whole object; -1 if unknown. */
    static long totalSize(GetObjectResponse response) {
        String range = response.contentRange();
        if (range != null) {
            int slash = range.lastIndexOf('/');
            if (slash > 0 && !range.endsWith("*")) {
                return Long.parseLong(range.substring(slash + 1).trim());
            }
        }
        return response.contentLength() == null ? -1 : response.contentLength();
    }
}
