package dev.costlink.registry;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A Lambda function URL request (payload format 2.0) and the response it expects. */
public final class HttpExchange {
    private HttpExchange() {}

    public record Request(String method, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public static Request parse(byte[] raw) {
            Map<String, Object> event = Json.parseObject(raw);
            Map<String, String> headers = new LinkedHashMap<>();
            if (event.get("headers") instanceof Map<?, ?> h) {
                h.forEach((k, v) -> headers.put(String.valueOf(k).toLowerCase(Locale.ROOT), String.valueOf(v)));
            }
            String method = "";
            if (event.get("requestContext") instanceof Map<?, ?> ctx && ctx.get("http") instanceof Map<?, ?> http
                    && http.get("method") instanceof String m) {
                method = m;
            }
            byte[] body = new byte[0];
            if (event.get("body") instanceof String b) {
                body = Boolean.TRUE.equals(event.get("isBase64Encoded"))
                        ? Base64.getDecoder().decode(b) : b.getBytes(StandardCharsets.UTF_8);
            }
            return new Request(method, headers, body);
        }
    }

    /** {@code headers}: besides content-type, which every answer carries. */
    public record Response(int status, Map<String, Object> body, Map<String, String> headers) {
        public static Response of(int status, String key, String value) {
            return new Response(status, Map.of(key, value), Map.of());
        }

        public Response withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name.toLowerCase(Locale.ROOT), value);
            return new Response(status, body, Map.copyOf(h));
        }

        public byte[] toLambdaResult() {
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, String> h = new LinkedHashMap<>();
            h.put("content-type", "application/json");
            h.putAll(headers);
            out.put("statusCode", status);
            out.put("headers", h);
            out.put("body", Json.writeString(body));
            return Json.write(out);
        }
    }
}
