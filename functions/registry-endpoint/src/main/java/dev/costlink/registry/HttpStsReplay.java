package dev.costlink.registry;

import dev.costlink.common.CallerIdentityProof;
import dev.costlink.common.Deadline;
import dev.costlink.registry.Verdict.Refusal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Replays a proof to STS over the JDK's HttpURLConnection (no SDK client: the request is already signed), with tight
 * limits so an STS outage costs the sender a quick 503, not the registry's whole timeout: {@value #CONNECT_MILLIS} ms
 * to connect, {@value #BUDGET_MILLIS} ms for the whole answer, and one more try when connecting fails within that.
 */
final class HttpStsReplay implements StsReplay {
    static final int CONNECT_MILLIS = 1_000;
    static final int BUDGET_MILLIS = 2_000;
    /** STS's error codes that mean "not now" rather than "not you" (400 answers, like every STS error). */
    static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded");
    private static final byte[] BODY = CallerIdentityProof.STS_BODY.getBytes(StandardCharsets.US_ASCII);

    /** A connection that never reached STS: the only failure tried again. */
    private static final class NotConnected extends Exception {
        private static final long serialVersionUID = 1L;

        NotConnected(IOException cause) {
            super(cause.getClass().getSimpleName(), null, false, false);
        }
    }

    @Override
    public CallerIdentity replay(IdentityProofCheck.Replayable proof) throws Refused {
        Deadline deadline = Deadline.in(BUDGET_MILLIS);
        for (int attempt = 1; ; attempt++) {
            try {
                return once(proof, deadline);
            } catch (NotConnected e) {
                if (attempt >= 2 || deadline.passed()) {
                    throw unverifiable("STS could not be reached");
                }
            }
        }
    }

    private CallerIdentity once(IdentityProofCheck.Replayable proof, Deadline deadline) throws Refused, NotConnected {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) proof.endpoint().toURL().openConnection(Proxy.NO_PROXY);
            c.setConnectTimeout(millis(Math.min(CONNECT_MILLIS, deadline.remainingMillis())));
            c.setReadTimeout(millis(deadline.remainingMillis()));
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(BODY.length);
            proof.headers().forEach(c::setRequestProperty);
        } catch (IOException | IllegalArgumentException e) {
            throw unverifiable("the STS request could not be prepared");
        }
        try {
            c.connect();
        } catch (ConnectException | NoRouteToHostException | UnknownHostException | SocketTimeoutException e) {
            throw new NotConnected(e);
        } catch (IOException e) {
            throw unverifiable("STS could not be reached");
        }
        String answer;
        int status;
        try {
            try (OutputStream out = c.getOutputStream()) {
                out.write(BODY);
            }
            status = c.getResponseCode();
            // Read to the end and closed, not disconnected: the JDK keeps the TLS connection for the next replay.
            answer = read(status >= 400 ? c.getErrorStream() : c.getInputStream(), deadline);
        } catch (IOException e) {
            c.disconnect();
            throw unverifiable("STS did not answer in time");
        }
        return identity(status, answer);
    }

    /** What STS's answer means (the status and, for a 400, the error code). */
    static CallerIdentity identity(int status, String answer) throws Refused {
        if (status == 200) {
            try {
                return CallerIdentityXml.identity(answer);
            } catch (IllegalArgumentException e) {
                throw unverifiable("STS's answer is unreadable");
            }
        }
        String code = CallerIdentityXml.errorCode(answer);
        if (status >= 500 || (status == 400 && THROTTLING.contains(code)) || status == 429) {
            throw unverifiable("STS is unavailable or throttling (HTTP " + status + ")");
        }
        if (status >= 400) {
            throw new Refused(Refusal.IDENTITY_REJECTED, "STS refused the proof"
                    + (code == null ? " (HTTP " + status + ")" : " (" + code + ")"));
        }
        throw unverifiable("STS gave an unexpected answer (HTTP " + status + ")");
    }

    private static String read(InputStream in, Deadline deadline) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (deadline.passed()) {
                    throw new SocketTimeoutException("answer budget spent");
                }
                out.write(buffer, 0, n);
                if (out.size() > CallerIdentityXml.MAX_CHARS) {
                    break;
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static int millis(long remaining) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining));
    }

    private static Refused unverifiable(String message) {
        return new Refused(Refusal.IDENTITY_UNVERIFIABLE, message + ": retry later");
    }
}
