package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static dev.costlink.verifier.OrgFixtures.ROOT_TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One event per organisation and run, within SNS's subject rule and size limit whatever the organisation holds. */
class OrganizationEventTest {
    private static Coverage coverage(int notConnected, Check.Result result) {
        List<Coverage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < notConnected; i++) {
            // AWS's longest account name, 128 characters, each four bytes of UTF-8.
            entries.add(new Coverage.Entry(String.format("1%011d", i), "\uD834\uDD1E".repeat(128), "assume-role"));
        }
        return new Coverage(1000 - notConnected, 1000, new Check(Coverage.CHECK, result, "x".repeat(5000)), entries,
                entries, "sig");
    }

    @Test
    void itSummarisesTheOrganisationUnderTheHealthEventsAttributes() {
        Connection payer = OrgFixtures.payer(ROOT_TARGET);
        HealthEvent e = OrganizationEvent.of(payer, coverage(3, Check.Result.WARN), HealthStatus.HEALTHY, NOW);
        assertEquals(Map.of("status", "DEGRADED", "accountId", "900000000000", "failedChecks", "none"), e.attributes());
        assertEquals("CostLink org DEGRADED: Acme Corp payer 900000000000 (997/1000 connected; was HEALTHY)",
                e.subject());
        assertEquals(HealthEvent.eventId(payer.id() + "/organization", NOW), e.eventId());
        Map<String, Object> body = Json.parseObject(e.message().getBytes(StandardCharsets.UTF_8));
        assertEquals("organization.coverage", body.get("type"));
        assertEquals("o-abc123", body.get("organizationId"));
        assertEquals(3, ((List<?>) body.get("notConnected")).size());
        assertEquals(e.eventId(), body.get("eventId"));
        HealthEvent failing = OrganizationEvent.of(payer, coverage(3, Check.Result.FAIL), null, NOW.plus(Duration.ofHours(1)));
        assertEquals("organization-coverage", failing.attributes().get("failedChecks"));
        assertTrue(failing.subject().endsWith("(997/1000 connected; first check)"), failing.subject());
    }

    @Test
    void aHugeOrganisationWithLongNamesStaysWithinSnsLimits() {
        Tenant longName = new Tenant("t".repeat(64), "Holdings \u65e5\u672c\t\n".repeat(100), "x");
        Connection p = OrgFixtures.payer(ROOT_TARGET);
        Connection payer = new Connection(longName, p.key(), p.id(), p.accountId(), p.roleArn(), p.registeredAt(),
                p.billing(), p.health(), p.organization());
        HealthEvent e = OrganizationEvent.of(payer, coverage(1000, Check.Result.FAIL), HealthStatus.UNHEALTHY, NOW);
        assertTrue(SnsSubject.isPublishable(e.subject()), e.subject());
        assertTrue(e.subject().endsWith(" payer 900000000000 (0/1000 connected; still UNHEALTHY)"),
                e.subject());
        int bytes = e.message().getBytes(StandardCharsets.UTF_8).length
                + e.attributes().entrySet().stream().mapToInt(a -> a.getKey().length() + a.getValue().length()).sum();
        assertTrue(bytes < 140 * 1024, "docs/health-events.md: about 130 KiB at most, SNS takes 256 KiB: " + bytes);
        Map<String, Object> body = Json.parseObject(e.message().getBytes(StandardCharsets.UTF_8));
        assertEquals(OrganizationEvent.MAX_LISTED, ((List<?>) body.get("notConnected")).size());
        assertEquals(1000, body.get("notConnectedCount"));
    }
}
