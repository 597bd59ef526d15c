package dev.costlink.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both event shapes that reach the detector, their key encodings, and malformed events. */
class ObjectCreatedTest {
    private static final String SECRET = "Secret9f8e7d6c5b4a";

    private static List<ObjectCreated> parse(String json) {
        return ObjectCreated.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String record(String eventName, String bucket, String key) {
        return "{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"" + eventName + "\",\"s3\":{"
                + "\"bucket\":{\"name\":\"" + bucket + "\",\"arn\":\"arn:aws:s3:::" + bucket + "\"},"
                + "\"object\":{\"key\":\"" + key + "\",\"size\":1234,\"eTag\":\"0123abcd\"}}}";
    }

    private static String eventBridge(String detailType, String key) {
        return "{\"version\":\"0\",\"detail-type\":\"" + detailType + "\",\"source\":\"aws.s3\",\"detail\":{"
                + "\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"" + key + "\",\"etag\":\"9b2c\"}}}";
    }

    @Test
    void s3NotificationRecordsInOrderWithDecodedKeys() {
        List<ObjectCreated> notices = parse("{\"Records\":[" + record("ObjectCreated:Put", "b",
                "reports/cur2/My+Export/metadata/BILLING_PERIOD%3D2026-05/My+Export-Manifest.json") + ","
                + record("ObjectCreated:CompleteMultipartUpload", "b2", "a%2Bb%20c/%C3%A9t%C3%A9") + "]}");
        assertEquals(List.of(
                new ObjectCreated("b", "reports/cur2/My Export/metadata/BILLING_PERIOD=2026-05/My Export-Manifest.json",
                        "0123abcd"),
                new ObjectCreated("b2", "a+b c/été", "0123abcd")), notices);
    }

    @Test
    void removalsAndOtherRecordsAreSkipped() {
        assertEquals(List.of(), parse("{\"Records\":[" + record("ObjectRemoved:Delete", "b", "k") + "]}"));
        assertEquals(List.of(), parse("{\"Records\":[]}"));
    }

    @Test
    void eventBridgeObjectCreated() {
        assertEquals(List.of(new ObjectCreated("b", "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json",
                "9b2c")), parse(eventBridge("Object Created",
                "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json")));
    }

    @Test
    void eventBridgeKeysAreDecodedOnlyWhenTheyCarryEscapes() {
        assertEquals("a+b/X-Manifest.json", parse(eventBridge("Object Created", "a+b/X-Manifest.json")).get(0).key());
        assertEquals("a b/BILLING_PERIOD=2026-05", parse(eventBridge("Object Created", "a+b/BILLING_PERIOD%3D2026-05"))
                .get(0).key());
    }

    @Test
    void eventBridgeEventsOtherThanObjectCreatedAreSkipped() {
        assertEquals(List.of(), parse(eventBridge("Object Deleted", "k")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[]",
        "{}",
        "{\"hello\":\"world\"}",
        "{\"Records\":[1]}",
        "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"}]}",
        "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{},\"object\":{\"key\":\"k\"}}}]}",
        "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{}}}]}",
        "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":5}}}]}",
        "{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"detail\":{\"bucket\":{\"name\":\"b\"}}}",
        "{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"detail\":\"x\"}",
    })
    void malformedEventsAreRefusedClearly(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(json));
        assertFalse(e.getMessage() == null || e.getMessage().isBlank());
    }

    @Test
    void aBadEscapeInAKeyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("{\"Records\":["
                + record("ObjectCreated:Put", "b", "reports/" + SECRET + "%ZZ") + "]}"));
        assertEquals("object key is not valid URL encoding", e.getMessage());
        assertQuotesNothing(e);
    }

    /** The messages of a refused event (and its causes) never carry the event's text: it could hold a secret. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"Records\": [" + SECRET + "]}",
        SECRET,
        "{\"a\": tru" + SECRET + "}",
        "{\"" + SECRET + "\": }",
        "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\""
                + SECRET + "\"}}}] trailing " + SECRET,
        "\"" + SECRET + "\"",
    })
    void refusalsNeverQuoteTheInput(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(json));
        assertQuotesNothing(e);
    }

    private static void assertQuotesNothing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            assertFalse(message.contains("9f8e7d6c5b4a") || message.contains("Secret"), () -> "quotes the input: " + message);
            assertTrue(t.getCause() != t);
        }
    }
}
