package dev.costlink.registry;

import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A JsonLog whose lines (logs and EMF metrics) the test reads back. */
final class CapturedLog {
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    final JsonLog log;

    CapturedLog() {
        // JsonLog writes to the System.out of its construction.
        PrintStream original = System.out;
        System.setOut(new PrintStream(lines, true, StandardCharsets.UTF_8));
        try {
            log = new JsonLog("registry-endpoint-test");
        } finally {
            System.setOut(original);
        }
    }

    /** Every embedded-metric-format line written so far, parsed. */
    List<Map<String, Object>> metrics() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : lines.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"_aws\"")) {
                out.add(Json.parseObject(line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    String text() {
        return lines.toString(StandardCharsets.UTF_8);
    }
}
