package dev.costlink.callback;

import dev.costlink.common.ConnectionAlarm;
import dev.costlink.common.Deadline;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;

/**
 * PUTs the answer to the pre-signed ResponseURL. A non-2xx answer is not "sent": 5xx, 429 and I/O errors are retried
 * within the deadline. The Content-Type is empty because the pre-signed URL was signed without one. Each attempt ends
 * at its own deadline (a {@link ConnectionAlarm}), and the status line is all that is read of the answer.
 */
public final class ResponseSender {
    private static final int MAX_ATTEMPTS = 4;
    private static final long MIN_ATTEMPT_MILLIS = 200;

    /** What happened to the PUT; {@code detail} says why it failed. */
    public record Result(boolean delivered, int attempts, String detail) {}

    public Result send(URI responseUrl, byte[] body, Deadline deadline) {
        String detail = "no time left to send";
        int attempt = 0;
        while (attempt < MAX_ATTEMPTS && deadline.remainingMillis() >= MIN_ATTEMPT_MILLIS) {
            attempt++;
            try {
                int status = put(responseUrl, body, deadline.remainingMillis());
                if (status >= 200 && status < 300) {
                    return new Result(true, attempt, "HTTP " + status);
                }
                detail = "HTTP " + status;
                if (status < 500 && status != 429) {
                    return new Result(false, attempt, detail);
                }
            } catch (IOException e) {
                // The class says enough: an I/O message can quote the URL, whose query holds the pre-signed signature.
                detail = e instanceof SocketTimeoutException ? "timed out" : e.getClass().getSimpleName();
            }
            long pause = Math.min(100L << attempt, deadline.remainingMillis() - MIN_ATTEMPT_MILLIS);
            if (pause > 0) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return new Result(false, attempt, detail);
    }

    private static int put(URI url, byte[] body, long budgetMillis) throws IOException {
        int timeout = (int) Math.max(1, Math.min(5_000, budgetMillis));
        HttpURLConnection conn = (HttpURLConnection) url.toURL().openConnection();
        conn.setConnectTimeout(Math.min(2_000, timeout));
        conn.setReadTimeout(timeout);
        conn.setRequestMethod("PUT");
        conn.setDoOutput(true);
        conn.setUseCaches(false);
        conn.setFixedLengthStreamingMode(body.length);
        conn.setRequestProperty("Content-Type", "");
        ConnectionAlarm alarm = ConnectionAlarm.arm(conn, timeout);
        try {
            try (OutputStream out = conn.getOutputStream()) {
                out.write(body);
            }
            int status = conn.getResponseCode();
            if (alarm.rang()) {
                throw new SocketTimeoutException("cut at the attempt deadline");
            }
            return status;
        } catch (IOException | RuntimeException e) {
            if (alarm.rang()) {
                throw new SocketTimeoutException("cut at the attempt deadline");
            }
            throw e;
        } finally {
            alarm.close();
            conn.disconnect();
        }
    }
}
