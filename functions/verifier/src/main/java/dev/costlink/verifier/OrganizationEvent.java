package dev.costlink.verifier;

import dev.costlink.common.Json;
import dev.costlink.common.Text;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The organisation event (docs/health-events.md, "Organisations"): one SNS message per organisation and run that
 * summarises its member accounts, grouped by cause, instead of one event per member. Same topic, same attributes
 * (status, accountId of the payer, failedChecks) and the same subject rule as a connection's health event; the body's
 * {@code type} is {@code organization.coverage}. Lists are bounded ({@link #MAX_LISTED} accounts each, with their
 * counts), so the message stays far below SNS's 256 KiB whatever the organisation's size.
 */
public final class OrganizationEvent {
    static final int MAX_LISTED = 100;
    static final int MAX_NAME_BYTES = 512;

    private OrganizationEvent() {}

    public static HealthEvent of(Connection payer, Coverage coverage, HealthStatus previous, Instant checkedAt) {
        HealthStatus status = coverage.status();
        String eventId = HealthEvent.eventId(payer.id() + "/organization", checkedAt);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "organization.coverage");
        body.put("eventId", eventId);
        body.put("connection", bounded(payer.id()));
        putPresent(body, "tenant", payer.tenant().name() == null ? null
                : Text.truncateUtf8(payer.tenant().name(), HealthEvent.MAX_NAME_BYTES));
        body.put("accountId", bounded(payer.accountId()));
        body.put("roleArn", bounded(payer.roleArn()));
        OrganizationFacts org = payer.organization().organization();
        putPresent(body, "organizationId", bounded(org.organizationId()));
        putPresent(body, "stackSetId", bounded(org.stackSetId()));
        body.put("status", status.name());
        if (previous != null) {
            body.put("previousStatus", previous.name());
        }
        body.put("covered", coverage.covered());
        body.put("accounts", coverage.accounts());
        Check check = coverage.check();
        body.put("checks", List.of(Map.of("name", check.name(), "result", check.result().name(),
                "detail", Text.truncateUtf8(check.detail(), HealthEvent.MAX_DETAIL_BYTES))));
        body.put("notConnected", entries(coverage.notConnected()));
        body.put("notConnectedCount", coverage.notConnected().size());
        body.put("suspended", entries(coverage.suspended()));
        body.put("suspendedCount", coverage.suspended().size());
        body.put("checkedAt", checkedAt.truncatedTo(ChronoUnit.SECONDS).toString());

        String change = previous == null ? "first check" : previous == status ? "still " + status : "was " + previous;
        String subject = SnsSubject.of("CostLink org " + status + ": ", payer.tenant().name(), " payer "
                + payer.accountId() + " (" + coverage.covered() + "/" + coverage.accounts() + " connected; " + change + ")");
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("status", status.name());
        attributes.put("accountId", bounded(payer.accountId()));
        attributes.put("failedChecks", check.result() == Check.Result.FAIL ? check.name() : "none");
        return new HealthEvent(eventId, subject, Json.writeString(body), attributes);
    }

    /** At most {@link #MAX_LISTED} entries, as {accountId, name, reason}. */
    static List<Map<String, String>> entries(List<Coverage.Entry> entries) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Coverage.Entry e : entries.subList(0, Math.min(MAX_LISTED, entries.size()))) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("accountId", bounded(e.accountId()));
            if (e.name() != null) {
                m.put("name", Text.truncateUtf8(e.name(), MAX_NAME_BYTES));
            }
            m.put("reason", bounded(e.reason()));
            out.add(m);
        }
        return out;
    }

    private static void putPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String bounded(String value) {
        return value == null ? null : Text.truncateUtf8(value, HealthEvent.MAX_VALUE_BYTES);
    }
}
