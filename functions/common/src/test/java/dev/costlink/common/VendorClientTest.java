package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VendorClientTest {
    private HttpServer server;
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final VendorClient client = new VendorClient(java.time.Clock.systemUTC(), new Backoff(10, 50), "test");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long ts = Long.parseLong(exchange.getRequestHeaders().getFirst("CostLink-Timestamp"));
            String sig = exchange.getRequestHeaders().getFirst("CostLink-Signature");
            signatures.add(CallbackSignature.verify("secret-xyz", ts, body, sig) ? "valid" : "invalid");
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
        return client.post(url, "secret-xyz", "evt_1", "{}".getBytes(StandardCharsets.UTF_8), Deadline.in(5_000), retry);
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
        VendorOutcome outcome = client.post(vendor.url(), "secret-xyz", "evt_1", "{}".getBytes(StandardCharsets.UTF_8),
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

    @Test
    void anExpiredDeadlineMakesNoAttempt() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cb");
        VendorOutcome outcome = client.post(url, "secret-xyz", "k", new byte[0], Deadline.in(0), true);
        assertEquals(0, outcome.attempts());
        assertEquals(VendorOutcome.Kind.UNREACHABLE, outcome.kind());
    }
}
