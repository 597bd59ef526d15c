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

    @Test
    void anExpiredDeadlineMakesNoAttempt() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cb");
        VendorOutcome outcome = client.post(url, "secret-xyz", "k", new byte[0], Deadline.in(0), true);
        assertEquals(0, outcome.attempts());
        assertEquals(VendorOutcome.Kind.UNREACHABLE, outcome.kind());
    }
}
