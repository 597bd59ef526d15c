package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

class VendorClientTest {
    private HttpServer server;
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final List<String> timestamps = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> proofs = new CopyOnWriteArrayList<>();
    private static final EventSigner SIGNER = EventSigner.hmac("secret-xyz");
    private final VendorClient client = new VendorClient(java.time.Clock.systemUTC(), new Backoff(10, 50), "test");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst("CostLink-Timestamp");
            String sig = exchange.getRequestHeaders().getFirst("CostLink-Signature");
            signatures.add(timestamp == null ? "none"
                    : CallbackSignature.verify("secret-xyz", Long.parseLong(timestamp), body, sig) ? "valid" : "invalid");
            timestamps.add(timestamp == null ? "" : timestamp);
            String proof = exchange.getRequestHeaders().getFirst(CallerIdentityProof.HEADER);
            proofs.add(proof == null ? Map.of() : CallerIdentityProof.decode(proof));
            int status = statuses.isEmpty() ? 200 : statuses.pop();
            byte[] reply = ("status " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private VendorOutcome post(boolean retry) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cb");
        return client.post(url, SIGNER, "evt_1", "{}".getBytes(StandardCharsets.UTF_8), Deadline.in(5_000), retry);
    }

    @Test
    void retriesServerErrorsThenDelivers() {
        statuses.addAll(List.of(500, 502, 429, 408));
        VendorOutcome outcome = post(true);
        assertTrue(outcome.delivered());
        assertEquals(5, outcome.attempts());
        assertEquals(List.of("valid", "valid", "valid", "valid", "valid"), signatures);
    }

    @Test
    void aClientErrorIsFinal() {
        statuses.addAll(List.of(403, 200));
        VendorOutcome outcome = post(true);
        assertEquals(VendorOutcome.Kind.REJECTED, outcome.kind());
        assertEquals(1, outcome.attempts());
        assertEquals("vendor rejected the event (HTTP 403: status 403)", outcome.describe());
    }

    @Test
    void withoutRetryOneAttemptOnly() {
        statuses.addAll(List.of(503, 200));
        VendorOutcome outcome = post(false);
        assertEquals(VendorOutcome.Kind.UNREACHABLE, outcome.kind());
        assertEquals(1, outcome.attempts());
    }

    @Test
    void classifiesRetryableStatuses() {
        assertTrue(VendorClient.retryable(500));
        assertTrue(VendorClient.retryable(408));
        assertTrue(VendorClient.retryable(429));
        assertFalse(VendorClient.retryable(400));
        assertFalse(VendorClient.retryable(404));
        assertEquals(2_000, VendorClient.retryAfterMillis("2"));
        assertEquals(30_000, VendorClient.retryAfterMillis("3600"));
        assertEquals(0, VendorClient.retryAfterMillis("Wed, 21 Oct 2026 07:28:00 GMT"));
    }

    // A vendor that trickles: one byte every 100 ms for 10 s, against an attempt of 1.5 s. Per-read timeouts never fire.
    private static final String TRICKLE = "x".repeat(100);

    private static VendorOutcome postOnce(TricklingServer vendor) {
        VendorClient client = new VendorClient(java.time.Clock.systemUTC(), new Backoff(10, 50), "test");
        VendorOutcome outcome = client.post(vendor.url(), SIGNER, "evt_1", "{}".getBytes(StandardCharsets.UTF_8),
                Deadline.in(1_500), false);
        assertTrue(vendor.stillTrickling(), "the attempt waited for the vendor's whole answer");
        return outcome;
    }

    @Test
    void aVendorTricklingItsHeadersIsCutAtTheAttemptDeadline() throws Exception {
        try (TricklingServer vendor = new TricklingServer("HTTP/1.1 200 OK\r\nX-Slow: ", TRICKLE, 100)) {
            VendorOutcome outcome = postOnce(vendor);
            assertEquals(VendorOutcome.Kind.UNREACHABLE, outcome.kind(), outcome.describe());
            assertEquals(0, outcome.status());
            assertTrue(outcome.message().startsWith("timed out"), outcome.message());
            assertTrue(vendor.clientHungUpEarly(), "the connection was left open");
        }
    }

    @Test
    void a2xxStatusIsAcceptanceWhateverTheBodyDoes() throws Exception {
        for (String connection : List.of("Connection: close\r\n", "")) {
            String head = "HTTP/1.1 202 Accepted\r\n" + connection + "Content-Length: 105\r\n\r\nfirst";
            try (TricklingServer vendor = new TricklingServer(head, TRICKLE, 100)) {
                VendorOutcome outcome = postOnce(vendor);
                assertEquals(VendorOutcome.Kind.DELIVERED, outcome.kind(), outcome.describe());
                assertEquals(202, outcome.status());
                if (!connection.isEmpty()) {
                    assertTrue(vendor.clientHungUpEarly(), "the connection was left open");
                }
            }
        }
    }

    @Test
    void aRejectionWithATricklingBodyKeepsWhatArrivedInTime() throws Exception {
        String head = "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 105\r\n\r\nfirst";
        try (TricklingServer vendor = new TricklingServer(head, TRICKLE, 100)) {
            VendorOutcome outcome = postOnce(vendor);
            assertEquals(VendorOutcome.Kind.REJECTED, outcome.kind(), outcome.describe());
            assertEquals(403, outcome.status());
            assertTrue(outcome.message().startsWith("first"), outcome.message());
            assertTrue(vendor.clientHungUpEarly(), "the connection was left open");
        }
    }

    private static final AwsSessionCredentials SESSION = AwsSessionCredentials.create("ASIAEXAMPLE", "secret-key",
            "session-token");

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cb");
    }

    private IdentityProofSigner proofSigner(Supplier<AwsSessionCredentials> credentials) {
        return IdentityProofSigner.forEnvironment(url(), Map.of("AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5999"), credentials);
    }

    /** A clock one second further on every reading: each attempt is signed at its own time. */
    private static Clock ticking() {
        return new Clock() {
            private Instant now = Instant.parse("2026-11-23T10:00:00Z");

            @Override
            public synchronized Instant instant() {
                now = now.plusSeconds(1);
                return now;
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
    }

    @Test
    void everyAttemptCarriesTheHmacAndAProofSignedFreshForTheSameBody() {
        statuses.addAll(List.of(503, 500));
        byte[] body = "{\"type\":\"connection.created\"}".getBytes(StandardCharsets.UTF_8);
        VendorClient ticking = new VendorClient(ticking(), new Backoff(10, 50), "test");
        VendorOutcome outcome = ticking.post(url(), EventSigner.hmac("secret-xyz").and(proofSigner(() -> SESSION)),
                "evt_1", body, Deadline.in(5_000), true);
        assertTrue(outcome.delivered(), outcome.describe());
        assertEquals(List.of("valid", "valid", "valid"), signatures);
        assertEquals(3, proofs.size());
        for (int i = 0; i < proofs.size(); i++) {
            Map<String, String> proof = proofs.get(i);
            assertEquals(CallbackSignature.sha256Hex(body), proof.get(CallerIdentityProof.BODY_SHA256_HEADER));
            assertEquals("127.0.0.1:" + server.getAddress().getPort(), proof.get(CallerIdentityProof.AUDIENCE_HEADER));
            assertEquals("127.0.0.1:5999", proof.get("host"));
            assertEquals("session-token", proof.get("x-amz-security-token"));
            assertTrue(proof.get("authorization").contains("/eu-west-1/sts/aws4_request"), proof.get("authorization"));
            // The proof and the HMAC of one attempt are made at the same instant.
            String date = Instant.ofEpochSecond(Long.parseLong(timestamps.get(i))).toString()
                    .replace("-", "").replace(":", "");
            assertEquals(date, proof.get("x-amz-date"));
        }
        assertEquals(3, proofs.stream().map(p -> p.get("authorization")).distinct().count(),
                "an attempt reused another attempt's proof");
    }

    @Test
    void aProofOnlySignerSendsNoHmac() {
        VendorOutcome outcome = client.post(url(), proofSigner(() -> SESSION), "evt_1", "{}".getBytes(StandardCharsets.UTF_8),
                Deadline.in(5_000), true);
        assertTrue(outcome.delivered(), outcome.describe());
        assertEquals(List.of("none"), signatures);
        assertEquals(CallbackSignature.sha256Hex("{}"), proofs.get(0).get(CallerIdentityProof.BODY_SHA256_HEADER));
    }

    @Test
    void anEventThatCannotBeSignedIsNotSentAndSaysWhyWithoutSecrets() {
        Supplier<AwsSessionCredentials> none = () -> {
            throw SdkClientException.create("Unable to load credentials: secret-key session-token");
        };
        for (boolean retry : List.of(true, false)) {
            VendorOutcome outcome = client.post(url(), EventSigner.hmac("secret-xyz").and(proofSigner(none)), "evt_1",
                    "{\"secret\":\"body\"}".getBytes(StandardCharsets.UTF_8), Deadline.in(5_000), retry);
            assertEquals(VendorOutcome.Kind.NOT_SIGNED, outcome.kind(), outcome.describe());
            assertFalse(outcome.delivered());
            assertEquals(0, outcome.attempts());
            assertEquals("event not sent: no AWS credentials to sign the proof of origin (SdkClientException)",
                    outcome.describe());
            for (String secret : List.of("secret-xyz", "secret-key", "session-token", "body")) {
                assertFalse(outcome.describe().contains(secret), outcome.describe());
            }
        }
        assertTrue(signatures.isEmpty(), "an unsigned event reached the vendor");
    }

    @Test
    void aSignerThatFailsOtherwiseIsAClearOutcomeToo() {
        EventSigner broken = (body, at) -> {
            throw new IllegalArgumentException("quoting secret-xyz");
        };
        VendorOutcome outcome = client.post(url(), broken, "evt_1", new byte[0], Deadline.in(5_000), true);
        assertEquals(VendorOutcome.Kind.NOT_SIGNED, outcome.kind());
        assertEquals("event not sent: the event could not be signed (IllegalArgumentException)", outcome.describe());
        assertTrue(signatures.isEmpty());
    }

    @Test
    void anExpiredDeadlineMakesNoAttempt() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cb");
        VendorOutcome outcome = client.post(url, SIGNER, "k", new byte[0], Deadline.in(0), true);
        assertEquals(0, outcome.attempts());
        assertEquals(VendorOutcome.Kind.UNREACHABLE, outcome.kind());
    }
}
