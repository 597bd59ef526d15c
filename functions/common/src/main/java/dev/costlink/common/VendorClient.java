package dev.costlink.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * Sends one signed event to the vendor's CallbackUrl (docs/callback-contract.md): 2xx delivers; a 4xx other than 408/429
 * is final; 5xx, 408, 429 and connection failures are retried with exponential backoff and full jitter until the
 * deadline. Every attempt carries the same Idempotency-Key and headers the {@link EventSigner} makes fresh for it, and
 * ends at its own deadline whatever the vendor does (a {@link ConnectionAlarm} cuts a vendor that trickles its answer).
 * An event that cannot be signed is not sent: that is final (retrying cannot bring credentials), reached through the
 * same decision as every answer.
 */
public final class VendorClient {
    static final int MAX_MESSAGE_CHARS = 2_000;
    private static final long MIN_ATTEMPT_MILLIS = 300;
    private static final long MAX_CONNECT_MILLIS = 3_000;
    private static final long MAX_ATTEMPT_MILLIS = 10_000;
    /** How long an error's text may take to arrive after its status line. */
    private static final long MAX_MESSAGE_MILLIS = 1_000;
    private static final long MESSAGE_POLL_MILLIS = 10;

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
    public VendorOutcome post(URI url, EventSigner signer, String idempotencyKey, byte[] body, Deadline deadline,
                              boolean retry) {
        int attempts = 0;
        VendorOutcome last = new VendorOutcome(VendorOutcome.Kind.UNREACHABLE, 0, "no time left to try", 0);
        while (deadline.remainingMillis() >= MIN_ATTEMPT_MILLIS) {
            attempts++;
            Attempt a = attempt(url, signer, idempotencyKey, body, deadline.remainingMillis());
            if (a.notSigned) {
                return new VendorOutcome(VendorOutcome.Kind.NOT_SIGNED, 0, a.message, attempts - 1); // none was sent
            }
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

    private record Attempt(int status, String message, long retryAfterMillis, boolean notSigned) {
        Attempt(int status, String message, long retryAfterMillis) {
            this(status, message, retryAfterMillis, false);
        }
    }

    private Attempt attempt(URI url, EventSigner signer, String idempotencyKey, byte[] body, long budgetMillis) {
        Map<String, String> signed;
        try {
            signed = signer.headers(body, clock.instant());
        } catch (RuntimeException e) {
            // A signer's own failure names its cause; anything else says its class only (a message may quote input).
            return new Attempt(0, e instanceof EventSigner.NotSigned ? e.getMessage()
                    : "the event could not be signed (" + e.getClass().getSimpleName() + ")", 0, true);
        }
        long attemptMillis = Math.min(MAX_ATTEMPT_MILLIS, budgetMillis);
        Deadline attemptDeadline = Deadline.in(attemptMillis);
        HttpURLConnection conn = null;
        ConnectionAlarm alarm = null;
        try {
            conn = (HttpURLConnection) url.toURL().openConnection();
            conn.setConnectTimeout((int) Math.min(MAX_CONNECT_MILLIS, attemptMillis));
            conn.setReadTimeout((int) attemptMillis);
            conn.setInstanceFollowRedirects(false);
            conn.setUseCaches(false);
            conn.setDoOutput(true);
            conn.setRequestMethod("POST");
            conn.setFixedLengthStreamingMode(body.length);
            conn.setRequestProperty("Content-Type", "application/json");
            conn.setRequestProperty("User-Agent", userAgent);
            signed.forEach(conn::setRequestProperty);
            conn.setRequestProperty(CallbackSignature.IDEMPOTENCY_HEADER, idempotencyKey);
            alarm = ConnectionAlarm.arm(conn, attemptMillis);
            try (OutputStream out = conn.getOutputStream()) {
                out.write(body);
            }
            int status = conn.getResponseCode();
            if (alarm.rang()) {
                return timedOut(attemptMillis); // the headers were cut short: a status read from them proves nothing
            }
            // A 2xx status is the acceptance: its body is never waited for.
            String message = status >= 200 && status < 300 ? ""
                    : readMessage(conn, status, attemptDeadline.capped(MAX_MESSAGE_MILLIS));
            return new Attempt(status, message, retryAfterMillis(conn.getHeaderField("Retry-After")));
        } catch (IOException | RuntimeException e) {
            if (alarm != null && alarm.rang()) {
                return timedOut(attemptMillis);
            }
            if (e instanceof RuntimeException unexpected) {
                throw unexpected;
            }
            // The exception's class says enough; its message may carry the URL, which can hold a token.
            return new Attempt(0, e instanceof SocketTimeoutException ? "timed out" : e.getClass().getSimpleName(), 0);
        } finally {
            if (alarm != null) {
                alarm.close();
            }
            if (conn != null) {
                conn.disconnect();
            }
        }
    }

    private static Attempt timedOut(long attemptMillis) {
        return new Attempt(0, "timed out: no complete answer within " + attemptMillis + " ms", 0);
    }

    /**
     * The vendor's error text, read without ever blocking: a blocked read holds the stream's lock, which the alarm's
     * disconnect() needs as well. Stops at the declared length, at the size bound, or at {@code by}, keeping what came.
     */
    private static String readMessage(HttpURLConnection conn, int status, Deadline by) {
        long declared = conn.getContentLengthLong();
        byte[] head = new byte[MAX_MESSAGE_CHARS * 4];
        int read = 0;
        try (InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream()) {
            while (in != null && read < head.length && (declared < 0 || read < declared)) {
                int ready = in.available();
                if (ready > 0) {
                    int n = in.read(head, read, Math.min(ready, head.length - read));
                    if (n < 0) {
                        break;
                    }
                    read += n;
                } else if (by.passed()) {
                    break;
                } else {
                    Thread.sleep(MESSAGE_POLL_MILLIS);
                }
            }
        } catch (IOException e) {
            // keep what arrived
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Text.truncate(new String(head, 0, read, StandardCharsets.UTF_8).strip(), MAX_MESSAGE_CHARS);
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
