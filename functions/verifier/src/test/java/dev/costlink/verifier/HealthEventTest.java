package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthEventTest {
    @Test
    void carriesEveryCheckAReadableSubjectAndFilterableAttributes() {
        HealthEvent e = HealthEvent.of("Acme Corp", "costlink-111122223333-0123456789abcdef", "111122223333",
                "arn:aws:iam::111122223333:role/CostLink-ReadAccess", HealthStatus.UNHEALTHY, HealthStatus.HEALTHY,
                List.of(Check.pass("assume-role", "Assumed."), Check.fail("cur-freshness", "50 h old.")),
                Map.of("kind", "CUR2", "billingPeriod", "2026-06"), Instant.parse("2026-06-25T12:00:00.123Z"));
        assertEquals("CostLink UNHEALTHY: Acme Corp account 111122223333 (was HEALTHY; failed cur-freshness)",
                e.subject());
        assertEquals(Map.of("status", "UNHEALTHY", "accountId", "111122223333", "failedChecks", "cur-freshness"),
                e.attributes());
        Map<String, Object> body = Json.parseObject(e.message().getBytes(StandardCharsets.UTF_8));
        assertEquals("UNHEALTHY", body.get("status"));
        assertEquals("HEALTHY", body.get("previousStatus"));
        assertEquals("2026-06-25T12:00:00Z", body.get("checkedAt"));
        assertEquals(2, ((List<?>) body.get("checks")).size());
        assertEquals(Map.of("kind", "CUR2", "billingPeriod", "2026-06"), body.get("lastDelivery"));
    }

    @Test
    void subjectsFitSnsLimitsWhateverTheTenantName() {
        HealthEvent e = HealthEvent.of("A very long tenant name\nwith a newline ".repeat(10), "c", "111122223333",
                "arn", HealthStatus.DEGRADED, null, List.of(Check.warn("carbon-month", "late")), null, Instant.EPOCH);
        assertTrue(e.subject().length() <= 100 && !e.subject().contains("\n"), e.subject());
        assertEquals("none", e.attributes().get("failedChecks"));
    }

    @Test
    void aCheckWithAStateCarriesIt() {
        HealthEvent e = HealthEvent.of("Acme", "c", "111122223333", "arn", HealthStatus.DEGRADED, null,
                List.of(Check.of("cur-freshness", Check.State.LATE, "40 h old."), Check.pass("assume-role", "ok")),
                null, Instant.EPOCH);
        List<?> checks = (List<?>) HealthEventTestSupport.body(e).get("checks");
        assertEquals(Map.of("name", "cur-freshness", "result", "WARN", "state", "LATE", "detail", "40 h old."),
                checks.get(0));
        assertEquals(Map.of("name", "assume-role", "result", "PASS", "detail", "ok"), checks.get(1));
    }
}
