package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SNS Publish limits, tested against the limits themselves (moto accepts subjects AWS refuses). */
class HealthEventLimitsTest {
    /** SNS Publish: ASCII text, beginning with a letter, number or punctuation mark, no line breaks or control
     *  characters, less than 100 characters long. */
    static void assertPublishableSubject(String subject) {
        assertTrue(subject.length() < 100, () -> "length " + subject.length() + ": " + subject);
        assertTrue(!subject.isEmpty(), "empty subject");
        for (int i = 0; i < subject.length(); i++) {
            char ch = subject.charAt(i);
            int at = i;
            assertTrue(ch >= 0x20 && ch <= 0x7e, () -> "character " + (int) ch + " at " + at + ": " + subject);
        }
        assertTrue(Character.isLetterOrDigit(subject.charAt(0)) || String.valueOf(subject.charAt(0)).matches("\\p{Punct}"),
                () -> "first character: " + subject);
    }

    private static HealthEvent event(String tenantName, HealthStatus status, HealthStatus previous, List<Check> checks) {
        return HealthEvent.of(tenantName, "costlink-111122223333-0123456789abcdef", "111122223333",
                "arn:aws:iam::111122223333:role/CostLink-ReadAccess", status, previous, checks, null,
                Instant.parse("2026-06-25T12:00:00Z"));
    }

    @Test
    void aTwentyFourCharacterNameStaysUnderOneHundred() {
        HealthEvent e = event("Acme Corporation Limited", HealthStatus.UNHEALTHY, HealthStatus.HEALTHY,
                List.of(Check.fail("cur-freshness", "late"), Check.fail("cur-export", "unhealthy")));
        assertPublishableSubject(e.subject());
    }

    @Test
    void tabsVerticalTabsAndOtherControlsNeverSurvive() {
        for (String name : List.of("Acme\tCorp", "Acme\u000bCorp", "Acme\u0000Corp", "Acme\u007fCorp", "Acme\u0085Corp",
                "Acme\u2028Corp", "Acme\rCorp", "Acme\fCorp")) {
            assertPublishableSubject(event(name, HealthStatus.HEALTHY, null, List.of()).subject());
        }
    }

    @Test
    void nonAsciiEmptyAndOddlyStartingNames() {
        for (String name : List.of("Société Générale", "株式会社テスト", "\uD83D\uDE80 Rocket", "", " leading space",
                "\u00a0nbsp", "\uD800lone surrogate", "x".repeat(10_000))) {
            HealthEvent e = event(name, HealthStatus.DEGRADED, HealthStatus.HEALTHY, List.of(Check.warn("carbon-month", "")));
            assertPublishableSubject(e.subject());
        }
        assertTrue(event("Société Générale", HealthStatus.HEALTHY, null, List.of()).subject().contains("Societe Generale"),
                "accents are dropped, letters kept");
    }

    @Test
    void anyGeneratedNameAndAnyOutcomeYieldsAPublishableSubject() {
        Random random = new Random(20261122L);
        String[] alphabets = {"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "\t\n\u000b\f\r\u0000\u0001\u001b\u007f\u0085\u009f",
                "éüñçøßÆŒ", "\u0301\u0308\u200b\u200d\ufeff\u2028\u2029\u00a0", "日本語中文한국어", "\uD83D\uDE80\uD83C\uDF0D",
                "\uD800\uDC00\uDBFF"};
        List<String> checkNames = List.of("assume-role", "bucket-access", "cur-freshness", "focus-freshness",
                "carbon-month", "delivery-valid", "delivery-failures", "cur-export", "focus-export", "carbon-export",
                "cur-report");
        for (int n = 0; n < 5000; n++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(n % 10 == 0 ? 400 : 40);
            for (int i = 0; i < length; i++) {
                String a = alphabets[random.nextInt(alphabets.length)];
                name.append(a.charAt(random.nextInt(a.length())));
            }
            HealthStatus[] statuses = HealthStatus.values();
            HealthStatus status = statuses[random.nextInt(statuses.length)];
            HealthStatus previous = random.nextInt(4) == 0 ? null : statuses[random.nextInt(statuses.length)];
            List<Check> checks = checkNames.stream().filter(c -> random.nextBoolean())
                    .map(c -> new Check(c, Check.Result.values()[random.nextInt(3)], "detail")).toList();
            assertPublishableSubject(event(name.toString(), status, previous, checks).subject());
        }
    }

    @Test
    void theSubjectKeepsStatusAccountAndFailuresWhenTheNameIsCut() {
        HealthEvent e = event("N".repeat(300), HealthStatus.UNHEALTHY, HealthStatus.HEALTHY,
                List.of(Check.fail("cur-freshness", "")));
        assertPublishableSubject(e.subject());
        assertTrue(e.subject().startsWith("CostLink UNHEALTHY: NNN"), e.subject());
        assertTrue(e.subject().endsWith("... account 111122223333 (was HEALTHY; failed cur-freshness)"), e.subject());
        assertEquals("N".repeat(300), HealthEventTestSupport.body(e).get("tenant"), "the body keeps the full name");
    }

    /** SNS Publish: body and attributes (names, types, values) together at most 256 KiB by default. */
    static long publishedBytes(HealthEvent e) {
        long n = e.message().getBytes(StandardCharsets.UTF_8).length;
        for (var a : e.attributes().entrySet()) {
            n += a.getKey().getBytes(StandardCharsets.UTF_8).length + "String".length()
                    + a.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    @Test
    void theWholeMessageStaysWithinSnsSizeLimitHoweverLargeItsParts() {
        String huge = "é".repeat(200_000);
        // Every check name there is (a connection has at most nine of them), each with a huge detail.
        List<Check> checks = List.of("assume-role", "bucket-access", "cur-freshness", "focus-freshness", "carbon-month",
                "delivery-valid", "delivery-failures", "cur-export", "focus-export", "carbon-export", "cur-report")
                .stream().map(n -> Check.of(n, Check.State.INVALID, huge)).toList();
        Map<String, Object> delivery = new LinkedHashMap<>();
        for (String k : List.of("type", "kind", "exportName", "reportName", "billingPeriod", "manifestKey")) {
            delivery.put(k, huge);
        }
        delivery.put("fileCount", Long.MAX_VALUE);
        HealthEvent e = HealthEvent.of(huge, "costlink-111122223333-0123456789abcdef", "111122223333", huge,
                HealthStatus.UNHEALTHY, HealthStatus.HEALTHY, checks, delivery, Instant.EPOCH);
        assertTrue(publishedBytes(e) <= 262_144, () -> "bytes: " + publishedBytes(e));
        Map<String, Object> body = HealthEventTestSupport.body(e);
        assertEquals(11, ((List<?>) body.get("checks")).size(), "every check is kept, its detail shortened");
        assertTrue(((String) body.get("tenant")).endsWith("..."));
    }

    @Test
    void attributeValuesAreNeverEmpty() {
        HealthEvent e = HealthEvent.of("Acme", "c", "", "arn", HealthStatus.HEALTHY, null, List.of(), null,
                Instant.EPOCH);
        assertTrue(e.attributes().values().stream().noneMatch(String::isEmpty), e.attributes()::toString);
    }
}
