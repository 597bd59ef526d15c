package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SnsSubjectTest {
    @Test
    void aShortSubjectIsKeptAsItIs() {
        assertEquals("CostLink HEALTHY: Acme account 1 (first check)",
                SnsSubject.of("CostLink HEALTHY: ", "Acme", " account 1 (first check)"));
    }

    @Test
    void theNameIsShortenedFirstSoTheFixedPartsSurvive() {
        String s = SnsSubject.of("Head: ", "n".repeat(200), " tail");
        assertEquals(SnsSubject.MAX_LENGTH, s.length());
        assertTrue(s.startsWith("Head: nnn") && s.endsWith("n... tail"), s);
    }

    @Test
    void whenTheFixedPartsAloneAreTooLongTheNameKeepsItsMinimumAndTheTailIsCut() {
        String s = SnsSubject.of("H: ", "Acme Corporation Worldwide", " " + "t".repeat(150));
        assertTrue(s.startsWith("H: Acme Corporat... t"), s);
        assertTrue(s.endsWith("tt..."), s);
        assertEquals(SnsSubject.MAX_LENGTH, s.length());
    }

    @Test
    void controlsLineBreaksAndSpacesCollapseToOneSpace() {
        assertEquals("a b c d e", SnsSubject.ascii("a\t\u000bb\r\n c\u0000\u001bd\u2028\u00a0e", true));
    }

    @Test
    void lettersLoseTheirAccentsOtherCharactersBecomeQuestionMarksInvisibleOnesVanish() {
        assertEquals("Societe Generale", SnsSubject.ascii("Société Générale", true));
        assertEquals("?? Rocket", SnsSubject.ascii("日本\u200b \uD83D\uDE80Rocket".replace("\uD83D\uDE80", ""), true));
        assertEquals("? Rocket", SnsSubject.ascii("\uD83D\uDE80 Rocket", true), "a surrogate pair is one character");
        assertEquals("?x", SnsSubject.ascii("\uD800x", true), "a lone surrogate");
        assertEquals("fi", SnsSubject.ascii("\ufb01", true), "compatibility forms decompose");
    }

    @Test
    void anEmptyOrBlankNameIsNamedAsSuch() {
        assertEquals("A: (unnamed) b", SnsSubject.of("A: ", "", " b"));
        assertEquals("A: (unnamed) b", SnsSubject.of("A: ", " \t\n", " b"));
        assertEquals("A: (unnamed) b", SnsSubject.of("A: ", null, " b"));
        assertEquals("(unnamed)", SnsSubject.of("", "", ""));
    }

    @Test
    void aSubjectNeverStartsWithASpace() {
        assertEquals("x (unnamed)", SnsSubject.of("  x ", "", ""));
        assertTrue(SnsSubject.isPublishable(SnsSubject.of(" ", " name", "")));
    }

    @Test
    void isPublishableIsTheRuleItself() {
        assertTrue(SnsSubject.isPublishable("CostLink HEALTHY: x"));
        assertTrue(SnsSubject.isPublishable("!".repeat(99)));
        assertFalse(SnsSubject.isPublishable("x".repeat(100)), "100 characters is not less than 100");
        assertFalse(SnsSubject.isPublishable(""));
        assertFalse(SnsSubject.isPublishable(null));
        assertFalse(SnsSubject.isPublishable(" leading space"));
        assertFalse(SnsSubject.isPublishable("tab\there"));
        assertFalse(SnsSubject.isPublishable("caf\u00e9"));
        assertFalse(SnsSubject.isPublishable("del\u007f"));
    }

    @Test
    void anyPartsWhateverTheyHoldMakeAPublishableSubject() {
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            String before = randomText(random, 60);
            String name = randomText(random, 300);
            String after = randomText(random, 150);
            String s = SnsSubject.of(before, name, after);
            assertTrue(SnsSubject.isPublishable(s), s);
            HealthEventLimitsTest.assertPublishableSubject(s);
        }
    }

    private static String randomText(Random random, int maxLength) {
        StringBuilder b = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        while (b.length() < length) {
            int cp = switch (random.nextInt(4)) {
                case 0 -> 0x20 + random.nextInt(0x5f);
                case 1 -> random.nextInt(0x20);
                case 2 -> random.nextInt(0x800);
                default -> random.nextInt(Character.MAX_CODE_POINT + 1);
            };
            b.appendCodePoint(cp);
        }
        return b.toString();
    }
}
