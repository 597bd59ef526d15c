package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.costlink.common.CallerIdentityProof;
import dev.costlink.registry.Verdict.Refusal;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replay against a tiny local HTTP server playing STS: its answers, its errors, its silence. */
class HttpStsReplayTest {
    static final String ARN = "arn:aws:sts::111122223333:assumed-role/costlink-callback-x/fn";
    final List<HttpServer> servers = new ArrayList<>();
    final List<Map<String, List<String>>> received = new ArrayList<>();
    final List<String> bodies = new ArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
    }

    /** A server answering every request with {@code status} and {@code body} (after {@code holdMillis}). */
    URI sts(int status, String body, long holdMillis) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(Map.copyOf(exchange.getRequestHeaders()));
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (holdMillis > 0) {
                try {
                    release.await(holdMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            } catch (IOException gone) {
                // the registry gave up waiting
            }
        });
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    static IdentityProofCheck.Replayable proof(URI endpoint) {
        return new IdentityProofCheck.Replayable(endpoint, Map.of(
                "authorization", "AWS4-HMAC-SHA256 Credential=ASIA/20261123/us-east-1/sts/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0".repeat(64),
                "content-type", CallerIdentityProof.STS_CONTENT_TYPE,
                "x-amz-date", "20261123T120000Z"));
    }

    Refusal refusal(URI endpoint) {
        return assertThrows(Refused.class, () -> new HttpStsReplay().replay(proof(endpoint))).refusal;
    }

    @Test
    void anIdentityIsReadFromStssAnswer() throws Exception {
        URI endpoint = sts(200, CallerIdentityXmlTest.answer(ARN, "111122223333"), 0);
        assertEquals(new CallerIdentity(ARN, "111122223333"), new HttpStsReplay().replay(proof(endpoint)));
        assertEquals(List.of(CallerIdentityProof.STS_BODY), bodies);
        Map<String, List<String>> h = received.get(0);
        assertEquals(List.of(endpoint.getAuthority()), h.get("Host"), "host is the validated endpoint's");
        assertEquals(List.of("20261123T120000Z"), h.get("X-amz-date"));
        assertTrue(h.get("Authorization").get(0).startsWith("AWS4-HMAC-SHA256"));
    }

    @Test
    void aServerErrorOrThrottlingIsUnverifiable() throws Exception {
        assertEquals(Refusal.IDENTITY_UNVERIFIABLE, refusal(sts(500, "<html>oops</html>", 0)));
        assertEquals(Refusal.IDENTITY_UNVERIFIABLE, refusal(sts(503, "", 0)));
        assertEquals(Refusal.IDENTITY_UNVERIFIABLE, refusal(sts(400,
                "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>", 0)));
    }

    @Test
    void aRefusedSignatureIsRejected() throws Exception {
        Refused r = assertThrows(Refused.class, () -> new HttpStsReplay().replay(proof(sts(403,
                "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>",
                0))));
        assertEquals(Refusal.IDENTITY_REJECTED, r.refusal);
        assertEquals("STS refused the proof (SignatureDoesNotMatch)", r.getMessage());
        assertEquals(Refusal.IDENTITY_REJECTED, refusal(sts(400,
                "<ErrorResponse><Error><Code>ExpiredToken</Code></Error></ErrorResponse>", 0)));
    }

    @Test
    void aMalformedAnswerIsUnverifiable() throws Exception {
        assertEquals(Refusal.IDENTITY_UNVERIFIABLE, refusal(sts(200, "<html>captive portal</html>", 0)));
        assertEquals(Refusal.IDENTITY_UNVERIFIABLE, refusal(sts(302, "", 0)));
    }

    @Test
    void noListenerIsUnverifiable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertEquals(Refusal.IDENTITY_UNVERIFIABLE, refusal(URI.create("http://127.0.0.1:" + port + "/")));
    }

    @Test
    void anStsThatDoesNotAnswerWithinTheBudgetIsUnverifiable() throws Exception {
        assertEquals(Refusal.IDENTITY_UNVERIFIABLE, refusal(sts(200, CallerIdentityXmlTest.answer(ARN, "111122223333"),
                60_000)));
    }
}
