package dev.costlink.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A vendor that answers one request by sending {@code head} at once and then {@code trickle} one byte every
 * {@code intervalMillis}: slow enough that no per-read timeout ever fires. It records whether the client hung up before
 * the trickle was over.
 */
final class TricklingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean clientHungUp;

    TricklingServer(String head, String trickle, long intervalMillis) throws IOException {
        socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> serve(head, trickle, intervalMillis), "trickling-vendor");
        t.setDaemon(true);
        t.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/cb");
    }

    /** True while the vendor has not finished its answer. */
    boolean stillTrickling() {
        return done.getCount() > 0;
    }

    /** Waits until the exchange is over; true when the client hung up before the trickle ended. */
    boolean clientHungUpEarly() throws InterruptedException {
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new AssertionError("the trickling vendor never finished");
        }
        return clientHungUp;
    }

    private void serve(String head, String trickle, long intervalMillis) {
        try (Socket s = socket.accept()) {
            readRequest(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (byte b : trickle.getBytes(StandardCharsets.UTF_8)) {
                Thread.sleep(intervalMillis);
                out.write(b);
                out.flush();
            }
        } catch (IOException e) {
            clientHungUp = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done.countDown();
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request ended early");
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1).toLowerCase();
        int at = headers.indexOf("content-length:");
        int length = at < 0 ? 0 : Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).trim());
        in.readNBytes(length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
