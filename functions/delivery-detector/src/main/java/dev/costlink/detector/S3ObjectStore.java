package dev.costlink.detector;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link ObjectStore} over S3 ranged GETs, with one lazily created client shared across invocations. */
public final class S3ObjectStore implements ObjectStore {
    private static final Lazy<S3Client> CLIENT = new Lazy<>(
            () -> AwsClients.configure(S3Client.builder()).forcePathStyle(AwsClients.emulated()).build());
    private final AtomicLong bytesRead = new AtomicLong();


    @Override
    public Read get(String bucket, String key, int maxBytes) throws NotFound {
        ResponseBytes<GetObjectResponse> r = fetch(bucket, key, null);
        if (r.response().contentLength() != null && r.response().contentLength() > maxBytes) {
            throw new IllegalArgumentException("object is larger than " + maxBytes + " bytes");
        }
        byte[] bytes = r.asByteArrayUnsafe();
        return new Read(bytes, bytes.length, r.response().eTag());
    }

    @Override
    public Read head(String bucket, String key, int maxBytes) throws NotFound {
        return ranged(bucket, key, "bytes=0-" + (maxBytes - 1));
    }

    @Override
    public Read tail(String bucket, String key, int maxBytes) throws NotFound {
        return ranged(bucket, key, "bytes=-" + maxBytes);
    }

    private Read ranged(String bucket, String key, String range) throws NotFound {
        try {
            ResponseBytes<GetObjectResponse> r = fetch(bucket, key, range);
            byte[] bytes = r.asByteArrayUnsafe();
            return new Read(bytes, totalSize(r.response(), bytes.length), r.response().eTag());
        } catch (S3Exception e) {
            if (e.statusCode() == 416) { // any range of an empty object
                return new Read(new byte[0], 0, null);
            }
            throw e;
        }
    }

    @Override
    public byte[] range(String bucket, String key, long first, long last) throws NotFound {
        return fetch(bucket, key, "bytes=" + first + "-" + last).asByteArrayUnsafe();
    }

    @Override
    public long bytesRead() {
        return bytesRead.get();
    }

    private ResponseBytes<GetObjectResponse> fetch(String bucket, String key, String range) throws NotFound {
        try {
            ResponseBytes<GetObjectResponse> r = CLIENT.get().getObjectAsBytes(b -> b.bucket(bucket).key(key).range(range));
            bytesRead.addAndGet(r.asByteArrayUnsafe().length);
            return r;
        } catch (NoSuchKeyException e) {
            throw new NotFound(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NotFound(key);
            }
            throw e;
        }
    }

    /** "bytes 100-199/2000" gives 2000; without a Content-Range the body was the whole object. */
    static long totalSize(GetObjectResponse response, int received) {
        String range = response.contentRange();
        if (range != null) {
            int slash = range.lastIndexOf('/');
            if (slash > 0 && !range.endsWith("*")) {
                return Long.parseLong(range.substring(slash + 1).trim());
            }
        }
        return received;
    }
}
