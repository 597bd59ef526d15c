package dev.costlink.detector;

import dev.costlink.common.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One "object created" notice, from either shape that reaches the detector: a native S3 notification (Records[], keys
 * URL-encoded, a space as '+') or an EventBridge "Object Created" event (detail.object.key). Keys are decoded here,
 * the one place that knows the encodings.
 */
public record ObjectCreated(String bucket, String key, String eTag) {
    private static final Pattern ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");

    /** Every notice in {@code raw}; an event of neither shape is an {@link IllegalArgumentException}. */
    public static List<ObjectCreated> parse(byte[] raw) {
        Map<String, Object> event;
        try {
            event = Json.parseObject(raw);
        } catch (IllegalArgumentException e) {
            // A parser's message quotes the text it stopped at, and the event is logged and kept on failure.
            throw new IllegalArgumentException("event is not a JSON object");
        }
        if (event.get("Records") instanceof List<?> records) {
            List<ObjectCreated> out = new ArrayList<>();
            for (Object r : records) {
                Map<?, ?> record = map(r, "Records[]");
                Object name = record.get("eventName");
                if (name instanceof String n && !n.startsWith("ObjectCreated:")) {
                    continue;
                }
                Map<?, ?> s3 = map(record.get("s3"), "Records[].s3");
                String bucket = text(map(s3.get("bucket"), "s3.bucket").get("name"), "s3.bucket.name");
                Map<?, ?> object = map(s3.get("object"), "s3.object");
                out.add(new ObjectCreated(bucket, decodeS3EventKey(text(object.get("key"), "s3.object.key")),
                        object.get("eTag") instanceof String e ? e : null));
            }
            return out;
        }
        if ("aws.s3".equals(event.get("source")) && event.get("detail") instanceof Map<?, ?> detail) {
            if (!"Object Created".equals(event.get("detail-type"))) {
                return List.of();
            }
            String bucket = text(map(detail.get("bucket"), "detail.bucket").get("name"), "detail.bucket.name");
            Map<?, ?> object = map(detail.get("object"), "detail.object");
            return List.of(new ObjectCreated(bucket, decodeEventBridgeKey(text(object.get("key"), "detail.object.key")),
                    object.get("etag") instanceof String e ? e : null));
        }
        throw new IllegalArgumentException("not an S3 notification (Records[]) nor an EventBridge aws.s3 event");
    }

    /** S3 notifications URL-encode keys as a form would: '+' is a space, %XX an escaped byte. */
    static String decodeS3EventKey(String key) {
        try {
            return URLDecoder.decode(key, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("object key is not valid URL encoding");
        }
    }

    /**
     * EventBridge is documented less precisely: a key that carries %XX escapes is decoded like an S3 notification's,
     * one without is taken as it is (so a literal '+' stays a '+').
     */
    static String decodeEventBridgeKey(String key) {
        return ESCAPE.matcher(key).find() ? decodeS3EventKey(key) : key;
    }

    private static Map<?, ?> map(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("event field " + what + " is missing or not an object");
    }

    private static String text(Object value, String what) {
        if (value instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new IllegalArgumentException("event field " + what + " is missing or not a string");
    }
}
