package dev.costlink.verifier;

import dev.costlink.common.Json;
import dev.costlink.common.Text;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The queued message that computes an organisation's coverage once its members are verified: the payer connection,
 * the run's instant, how many times it has already waited for members, and that run's listing summary. Its body has
 * {@code "task": "organization-coverage"} ({@link WorkerMessages}). A body
 * that does not read as one is an IllegalArgumentException whose message never quotes the body.
 */
public record CoverageRequest(String tenant, String connection, Instant asOf, int attempt, ListingSummary listing) {
    static final String TASK = "organization-coverage";
    /** Bound on the listing error carried (SQS takes up to 1 MiB; the event and the registry bound it again). */
    static final int MAX_ERROR_CHARS = 1024;

    public static CoverageRequest parse(String body) {
        Map<String, Object> fields = WorkerMessages.fields(body);
        Instant asOf = WorkerMessages.asOf(fields);
        if (!(fields.get("attempt") instanceof Number attempt) || attempt.intValue() < 0) {
            throw new IllegalArgumentException("the message body has no attempt count");
        }
        if (!(fields.get("listing") instanceof Map<?, ?> listing)) {
            throw new IllegalArgumentException("the message body has no listing object");
        }
        String error = listing.get("error") instanceof String s ? s : null;
        String management = listing.get("managementAccountId") instanceof String s ? s : null;
        boolean inTargets = Boolean.TRUE.equals(listing.get("managementInTargets"));
        if (inTargets && management == null) {
            throw new IllegalArgumentException("the message body's listing names no management account");
        }
        int members = listing.get("members") instanceof Number n ? n.intValue() : 0;
        if (members < 0) {
            throw new IllegalArgumentException("the message body's listing has a negative member count");
        }
        return new CoverageRequest(WorkerMessages.text(fields, "tenant"), WorkerMessages.text(fields, "connection"),
                asOf, attempt.intValue(), new ListingSummary(error, management, inTargets, members));
    }

    public String body() {
        Map<String, Object> listed = new LinkedHashMap<>();
        if (listing.error() != null) {
            listed.put("error", SnsSubject.ascii(Text.truncate(listing.error(), MAX_ERROR_CHARS), true));
        }
        if (listing.managementAccountId() != null) {
            listed.put("managementAccountId", listing.managementAccountId());
        }
        listed.put("managementInTargets", listing.managementInTargets());
        listed.put("members", listing.members());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task", TASK);
        body.put("tenant", tenant);
        body.put("connection", connection);
        body.put("asOf", asOf.toString());
        body.put("attempt", attempt);
        body.put("listing", listed);
        return Json.writeString(body);
    }

    /** The same coverage, after one more wait for the members. */
    public CoverageRequest next() {
        return new CoverageRequest(tenant, connection, asOf, attempt + 1, listing);
    }
}
