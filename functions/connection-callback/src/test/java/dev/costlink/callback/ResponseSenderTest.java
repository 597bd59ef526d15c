package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResponseSenderTest {
    /** Answers every PUT with a status line and then one header byte every 100 ms for 10 s. */
    private static final class TricklingResponseUrl implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        private final AtomicInteger trickling = new AtomicInteger();

        TricklingResponseUrl() throws IOException {
            Thread t = new Thread(this::serve, "trickling-response-url");
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    trickling.incrementAndGet();
                    Thread t = new Thread(() -> trickle(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void trickle(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                in.read(new byte[65_536]);
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 100; i++) {
                    Thread.sleep(100);
                    out.write('x');
                    out.flush();
                }
                out.write("\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | InterruptedException hungUp) {
                // the client gave up
            } finally {
                trickling.decrementAndGet();
            }
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/r?X-Amz-Signature=abc123secret");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aTricklingResponseUrlIsCutAtTheDeadline() throws Exception {
        try (TricklingResponseUrl s3 = new TricklingResponseUrl()) {
            ResponseSender.Result result = new ResponseSender().send(s3.url(), "{}".getBytes(StandardCharsets.UTF_8),
                    Deadline.in(2_000));
            assertTrue(s3.trickling.get() > 0, "the PUT waited for the whole trickle");
            assertFalse(result.delivered());
            assertEquals("timed out", result.detail());
        }
    }

    @Test
    void aFailureNeverQuotesTheUrl() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ResponseSender.Result result = new ResponseSender().send(
                URI.create("http://127.0.0.1:" + port + "/r?X-Amz-Signature=abc123secret"), new byte[0],
                Deadline.in(1_000));
        assertFalse(result.delivered());
        assertEquals("ConnectException", result.detail());
    }
}
