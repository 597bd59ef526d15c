package dev.costlink.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Sends one signed event to the vendor's CallbackUrl (docs/callback-contract.md): 2xx delivers; a 4xx other than 408/429
 * is final; 5xx, 408, 429 and connection failures are retried with exponential backoff and full jitter until the
 * deadline. Every attempt carries the same Idempotency-Key and a fresh timestamp and signature.
 */
public final class VendorClient {
    static final int MAX_MESSAGE_CHARS = 2_000;
    private static final long MIN_ATTEMPT_MILLIS = 300;
    private static final long MAX_CONNECT_MILLIS = 3_000;
    private static final long MAX_ATTEMPT_MILLIS = 10_000;

    private final Clock clock;
    private final Backoff backoff;
    private final String userAgent;

    public VendorClient(String userAgent) {
        this(Clock.systemUTC(), Backoff.VENDOR, userAgent);
    }

    VendorClient(Clock clock, Backoff backoff, String userAgent) {
        this.clock = clock;
        this.backoff = backoff;
        this.userAgent = userAgent;
    }

    /** Retries until {@code deadline}; {@code retry=false} makes exactly one attempt (best-effort notices). */
    public VendorOutcome post(URI url, String externalId, String idempotencyKey, byte[] body, Deadline deadline,
                              boolean retry) {
        int attempts = 0;
        VendorOutcome last = new VendorOutcome(VendorOutcome.Kind.UNREACHABLE, 0, "no time left to try", 0);
        while (deadline.remainingMillis() >= MIN_ATTEMPT_MILLIS) {
            attempts++;
            Attempt a = attempt(url, externalId, idempotencyKey, body, deadline.remainingMillis());
            if (a.status >= 200 && a.status < 300) {
                return new VendorOutcome(VendorOutcome.Kind.DELIVERED, a.status, a.message, attempts);
            }
            if (a.status >= 300 && !retryable(a.status)) {
                return new VendorOutcome(VendorOutcome.Kind.REJECTED, a.status, a.message, attempts);
            }
            last = new VendorOutcome(VendorOutcome.Kind.UNREACHABLE, a.status, a.message, attempts);
            if (!retry) {
                break;
            }
            long wait = Math.max(backoff.delayMillis(attempts - 1), a.retryAfterMillis);
            if (wait + MIN_ATTEMPT_MILLIS > deadline.remainingMillis()) {
                break;
            }
            sleep(wait);
        }
        return last;
    }

    static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private record Attempt(int status, String message, long retryAfterMillis) {}

    private Attempt attempt(URI url, String externalId, String idempotencyKey, byte[] body, long budgetMillis) {
        long timestamp = clock.instant().getEpochSecond();
        HttpURLConnection conn = null;
        try {
            conn = (HttpURLConnection) url.toURL().openConnection();
            int total = (int) Math.min(MAX_ATTEMPT_MILLIS, budgetMillis);
            conn.setConnectTimeout((int) Math.min(MAX_CONNECT_MILLIS, total));
            conn.setReadTimeout(total);
            conn.setInstanceFollowRedirects(false);
            conn.setUseCaches(false);
            conn.setDoOutput(true);
            conn.setRequestMethod("POST");
            conn.setFixedLengthStreamingMode(body.length);
            conn.setRequestProperty("Content-Type", "application/json");
            conn.setRequestProperty("User-Agent", userAgent);
            conn.setRequestProperty(CallbackSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
            conn.setRequestProperty(CallbackSignature.SIGNATURE_HEADER, CallbackSignature.sign(externalId, timestamp, body));
            conn.setRequestProperty(CallbackSignature.IDEMPOTENCY_HEADER, idempotencyKey);
            try (OutputStream out = conn.getOutputStream()) {
                out.write(body);
            }
            int status = conn.getResponseCode();
            return new Attempt(status, readMessage(conn, status), retryAfterMillis(conn.getHeaderField("Retry-After")));
        } catch (SocketTimeoutException e) {
            return new Attempt(0, "timed out: " + e.getMessage(), 0);
        } catch (IOException e) {
            return new Attempt(0, e.getClass().getSimpleName() + ": " + e.getMessage(), 0);
        } finally {
            if (conn != null) {
                conn.disconnect();
            }
        }
    }

    private static String readMessage(HttpURLConnection conn, int status) {
        try (InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream()) {
            if (in == null) {
                return "";
            }
            byte[] head = in.readNBytes(MAX_MESSAGE_CHARS * 4);
            return Text.truncate(new String(head, StandardCharsets.UTF_8).strip(), MAX_MESSAGE_CHARS);
        } catch (IOException e) {
            return "";
        }
    }

    static long retryAfterMillis(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.min(30_000, Math.max(0, Long.parseLong(header.trim())) * 1_000);
        } catch (NumberFormatException httpDate) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
