package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    private static final String SECRET = "sekret-ExtId-7f3a9c";

    private static IllegalArgumentException refused(String text) {
        return assertThrows(IllegalArgumentException.class,
                () -> Json.parseObject(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Parser messages quote the token they stumbled on: the refusal names the position only, and keeps no cause. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"ExternalId\": " + SECRET + "}",
            "{\"ExternalId\": \"" + SECRET + "\" " + SECRET + "}",
            "{\"ExternalId\": \"" + SECRET + "\", " + SECRET + ": 1}",
            "{\"ExternalId\": \"" + SECRET,
            SECRET,
            "[\"" + SECRET + "\"" + SECRET + "]",
            "{\"a\": 1e" + SECRET + "}",
            "{\"a\": tru" + SECRET + "}",
    })
    void aRefusalNeverQuotesTheInput(String text) {
        IllegalArgumentException e = refused(text);
        assertFalse(e.getMessage().contains("sekret"), e.getMessage());
        assertFalse(e.getMessage().contains("7f3a9c"), e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            assertFalse(String.valueOf(c.getMessage()).contains("sekret"), "the cause carries the input");
        }
        assertTrue(e.getMessage().startsWith("not valid JSON") || e.getMessage().startsWith("expected a JSON object"),
                e.getMessage());
    }

    @Test
    void aRefusalSaysWhere() {
        String message = refused("{\n  \"ExternalId\": " + SECRET + "}").getMessage();
        assertTrue(message.matches("not valid JSON at line 2, column \\d+"), message);
        assertNull(refused("{\"a\": x}").getCause());
    }

    @Test
    void otherShapesAreNamedByType() {
        assertEquals("expected a JSON object, got an array", refused("[1]").getMessage());
        assertEquals("expected a JSON object, got a string", refused("\"" + SECRET + "\"").getMessage());
        assertEquals("expected a JSON object, got null", refused("null").getMessage());
        assertEquals("empty input: expected a JSON object", assertThrows(IllegalArgumentException.class,
                () -> Json.parseObject(new byte[0])).getMessage());
    }

    @Test
    void parsesObjectsWithTheirTypes() {
        Map<String, Object> m = Json.parseObject("{\"s\":\"x\",\"l\":[\"a\",\"b\"],\"n\":1,\"b\":true}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("x", m.get("s"));
        assertEquals(List.of("a", "b"), m.get("l"));
        assertEquals(1, ((Number) m.get("n")).intValue());
        assertEquals(Boolean.TRUE, m.get("b"));
    }
}
