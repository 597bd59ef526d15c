package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EventBodyTest {
    private static final String SECRET = "cl-Secret_Token_42";

    private static Map<String, Object> parse(String body) {
        return EventBody.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(String body) {
        return assertThrows(EventBody.Malformed.class, () -> parse(body)).getMessage();
    }

    @Test
    void oneObjectIsRead() {
        assertEquals(Map.of("a", 1, "b", Map.of("c", "d")), parse("{\"a\":1,\"b\":{\"c\":\"d\"}}"));
    }

    @Test
    void trailingWhitespaceIsFine() {
        assertEquals(Map.of("a", 1), parse("{\"a\":1} \r\n\t "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1} x", "{\"a\":1}{\"a\":2}", "{\"a\":1} {}", "{\"a\":1}\n[]", "{\"a\":1} 7",
            "{\"a\":1}}", "{\"a\":1} \"" + SECRET + "\"", "{\"a\":1} " + SECRET})
    void anythingAfterTheObjectIsRefused(String body) {
        String message = refusal(body);
        assertTrue(message.startsWith("more than one JSON value: data follows the object (line "), message);
        assertFalse(message.contains(SECRET), message);
    }

    @Test
    void aRepeatedKeyIsRefused() {
        String message = refusal("{\"type\":\"connection.created\",\"x\":{\"" + SECRET + "\":1,\"" + SECRET + "\":2}}");
        assertTrue(message.startsWith("a key appears twice in one object"), message);
        assertFalse(message.contains(SECRET), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": " + SECRET + "}", "{\"" + SECRET, "{'" + SECRET + "': 1}", "{\"a\":1,}",
            SECRET, "\"" + SECRET})
    void malformedJsonIsRefusedWithoutQuotingIt(String body) {
        String message = refusal(body);
        assertTrue(message.startsWith("not valid JSON"), message);
        assertFalse(message.contains(SECRET), message);
        assertFalse(message.contains("cl-"), message);
    }

    @Test
    void theRefusalSaysWhere() {
        assertEquals("not valid JSON (line 2, column 6)", refusal("{\"a\":\n  1, x}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"text\"", "1", "true", "null"})
    void onlyAnObjectIsAnEvent(String body) {
        assertTrue(refusal(body).startsWith("expected one JSON object, got "));
    }

    @Test
    void emptyBody() {
        assertEquals("empty body: expected one JSON object", refusal(""));
    }
}
