package dev.costlink.common;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Structured logs: one JSON object per line on stdout, which Lambda ships to CloudWatch Logs. Callers pass named fields,
 * never a raw event, so a secret cannot reach the log by accident. Level from COSTLINK_LOG_LEVEL (default INFO).
 */
public final class JsonLog {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private final String function;
    private final Level threshold;
    private final PrintStream out;
    private volatile String requestId = "";

    public JsonLog(String function) {
        this(function, levelFrom(System.getenv("COSTLINK_LOG_LEVEL")), System.out);
    }

    JsonLog(String function, Level threshold, PrintStream out) {
        this.function = function;
        this.threshold = threshold;
        this.out = out;
    }

    static Level levelFrom(String value) {
        if (value == null || value.isBlank()) {
            return Level.INFO;
        }
        try {
            return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return Level.INFO;
        }
    }

    /** Sets the Lambda request id that every following line carries. */
    public void requestId(String id) {
        this.requestId = id == null ? "" : id;
    }

    public boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    public void debug(String message, Object... fields) { log(Level.DEBUG, message, fields); }
    public void info(String message, Object... fields) { log(Level.INFO, message, fields); }
    public void warn(String message, Object... fields) { log(Level.WARN, message, fields); }
    public void error(String message, Object... fields) { log(Level.ERROR, message, fields); }

    /** Writes one embedded-metric-format object as its own line, whatever the level: metrics are never filtered. */
    public void emf(Map<String, Object> line) {
        String text = Json.writeString(line);
        synchronized (out) {
            out.println(text);
        }
    }

    /** Fields come as name, value pairs; null values are left out. */
    public void log(Level level, String message, Object... fields) {
        if (!enabled(level)) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level.name());
        line.put("function", function);
        line.put("requestId", requestId);
        line.put("message", message);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i + 1] != null) {
                line.put(String.valueOf(fields[i]), fields[i + 1]);
            }
        }
        String text = Json.writeString(line);
        synchronized (out) {
            out.println(text);
        }
    }
}
