package dev.costlink.common;

import java.net.HttpURLConnection;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends an HTTP exchange at its deadline. HttpURLConnection has only per-read timeouts, so a server that sends one byte
 * every half second holds its caller for ever; {@code disconnect()} from another thread closes the socket under a
 * blocked connect, request write or response-header read. Once the headers are in, a blocked body read holds the
 * stream's lock and {@code disconnect()} would wait for it: callers read response bodies without blocking, or not at all.
 * (java.net.http.HttpClient bounds a whole exchange too, but loading it costs a cold start far more than this.)
 */
public final class ConnectionAlarm implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final ScheduledFuture<?> task;
    private volatile boolean rang;

    private ConnectionAlarm(HttpURLConnection connection, long millis) {
        task = TIMER.schedule(() -> {
            rang = true;
            connection.disconnect();
        }, Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    /** Disconnects {@code connection} {@code millis} from now unless closed first. */
    public static ConnectionAlarm arm(HttpURLConnection connection, long millis) {
        return new ConnectionAlarm(connection, millis);
    }

    /** True once the alarm has cut the connection: the caller's I/O error means "out of time". */
    public boolean rang() {
        return rang;
    }

    @Override
    public void close() {
        task.cancel(false);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "costlink-connection-alarm");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
