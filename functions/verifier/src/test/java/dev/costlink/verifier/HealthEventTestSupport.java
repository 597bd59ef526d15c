package dev.costlink.verifier;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

final class HealthEventTestSupport {
    private HealthEventTestSupport() {}

    static Map<String, Object> body(HealthEvent e) {
        return Json.parseObject(e.message().getBytes(StandardCharsets.UTF_8));
    }
}
