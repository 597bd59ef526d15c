package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void keepsShortTextAndMarksCuts() {
        assertEquals("abc", Text.truncate("abc", 3));
        assertEquals("ab...", Text.truncate("abcdefgh", 5));
    }

    @Test
    void cutsUtf8OnCharacterBoundaries() {
        String text = "é".repeat(100) + "😀".repeat(100);
        for (int max = 3; max < 600; max += 7) { // the text is 600 bytes: every limit below cuts it
            String cut = Text.truncateUtf8(text, max);
            assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= max, "fits " + max);
            assertTrue(cut.endsWith("..."));
            assertEquals(-1, cut.indexOf('\uFFFD'));
        }
    }
}
