package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import dev.costlink.common.VendorClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deadline guard and the Throwable net, which the end-to-end suite cannot provoke through a well-behaved path. */
class ConnectionCallbackHandlerTest {
    private HttpServer server;
    private final List<Map<String, Object>> answers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/response", exchange -> {
            answers.add(Json.parseObject(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/vendor", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "no".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private byte[] update() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Json.write(Map.of(
                "RequestType", "Update", "ResponseURL", base + "/response",
                "StackId", "arn:aws:cloudformation:us-east-1:111122223333:stack/s/1", "RequestId", "r1",
                "LogicalResourceId", "ConnectionCallback", "PhysicalResourceId", "costlink-111122223333-0123456789abcdef",
                "ResourceProperties", Map.of("CallbackUrl", base + "/vendor", "ExternalId", "secret-abc",
                        "RoleArn", "arn:aws:iam::111122223333:role/r")));
    }

    private ConnectionCallbackHandler handler(StackStatus status) {
        JsonLog log = new JsonLog("test");
        return new ConnectionCallbackHandler(new ConnectionReporter(
                new VendorClient("test"), status, Clock.systemUTC(), log), new ResponseSender());
    }

    @Test
    void theGuardAnswersFailedBeforeTheDeadlineWhenTheWorkHangs() throws Exception {
        StackStatus hangs = stackId -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
        long start = System.nanoTime();
        handler(hangs).handleRequest(new ByteArrayInputStream(update()), new ByteArrayOutputStream(),
                new FakeContext(4_000));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis < 4_000, "answered after the deadline: " + elapsedMillis);
        assertEquals(1, answers.size());
        assertEquals("FAILED", answers.get(0).get("Status"));
        assertEquals("Connection callback timed out before the function's deadline", answers.get(0).get("Reason"));
        assertEquals("costlink-111122223333-0123456789abcdef", answers.get(0).get("PhysicalResourceId"));
    }

    @Test
    void anErrorInTheWorkBecomesAFailedAnswer() throws Exception {
        StackStatus explodes = stackId -> {
            throw new StackOverflowError("deep");
        };
        handler(explodes).handleRequest(new ByteArrayInputStream(update()), new ByteArrayOutputStream(),
                new FakeContext(10_000));
        assertEquals(1, answers.size());
        assertEquals("FAILED", answers.get(0).get("Status"));
        assertEquals("Connection callback failed: StackOverflowError: deep", answers.get(0).get("Reason"));
    }

    @Test
    void aFailedUpdateDuringARollbackCompletes() throws Exception {
        handler(stackId -> true).handleRequest(new ByteArrayInputStream(update()), new ByteArrayOutputStream(),
                new FakeContext(10_000));
        assertEquals("SUCCESS", answers.get(0).get("Status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) answers.get(0).get("Data");
        assertTrue(((String) data.get("CallbackStatus")).startsWith("NOT DELIVERED during rollback. "));
    }

    @Test
    void anEventWithoutResponseUrlCannotBeAnswered() {
        assertThrows(CustomResourceRequest.UnanswerableRequestException.class, () -> handler(s -> false).handleRequest(
                new ByteArrayInputStream("{\"RequestType\":\"Create\"}".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), new FakeContext(5_000)));
        assertTrue(answers.isEmpty());
    }

    @Test
    void aPlainHttpResponseUrlToAnotherHostIsRefused() {
        String event = "{\"RequestType\":\"Create\",\"ResponseURL\":\"http://169.254.169.254/latest\"}";
        assertThrows(CustomResourceRequest.UnanswerableRequestException.class, () -> handler(s -> false).handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                new FakeContext(5_000)));
    }
}
