package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.Json;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CfnResponseTest {
    private static final CustomResourceRequest REQUEST = new CustomResourceRequest("Create",
            URI.create("https://s3.example.com/x"), "arn:aws:cloudformation:us-east-1:111122223333:stack/s/" + "g".repeat(36),
            "r".repeat(36), "ConnectionCallback", null, Map.of(), Map.of(), List.of());

    @Test
    void neverExceeds4096BytesHoweverLongTheReasonAndData() {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            data.put("Key" + i, "ü".repeat(2_000));
        }
        byte[] success = CfnResponse.success("id", data).body(REQUEST);
        byte[] failed = CfnResponse.failed("id", "😀".repeat(20_000)).body(REQUEST);
        assertTrue(success.length <= 4096, "success " + success.length);
        assertTrue(failed.length <= 4096, "failed " + failed.length);
        assertFalse(Json.parseObject(success).containsKey("Data"), "Data that cannot fit is dropped whole");
    }

    @Test
    void smallDataIsKeptWhole() {
        Map<String, Object> body = Json.parseObject(CfnResponse.success("id", Map.of("RoleArn", "arn")).body(REQUEST));
        assertEquals(Map.of("RoleArn", "arn"), body.get("Data"));
        assertEquals("SUCCESS", body.get("Status"));
        assertFalse(body.containsKey("Reason"));
    }
}
