package dev.costlink.verifier;

import dev.costlink.common.Json;
import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One change to a payer's member connection, decided by the payer's run ({@link MemberPlan}) and queued so that the
 * workers apply them side by side (a thousand new accounts are a thousand messages, not one long invocation): the
 * tenant, the payer's registry key, the run's instant, the change, and the member (its account as listed, its key and
 * role). An {@code ACTIVATE} is followed, in the same message, by the member's verification for the run. Its body has
 * {@code "task": "organization-member"}. A body that does not read as one is an IllegalArgumentException whose
 * message never quotes the body.
 */
public record MemberRequest(String tenant, String payerConnection, Instant asOf, Change change,
                            MemberPlan.Member member) {
    static final String TASK = "organization-member";

    public enum Change { ACTIVATE, REFRESH, PARK, DEPART }

    public static MemberRequest parse(String body) {
        Map<String, Object> fields = WorkerMessages.fields(body);
        Instant asOf = WorkerMessages.asOf(fields);
        Change change;
        try {
            change = Change.valueOf(WorkerMessages.text(fields, "change").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the message body's change is not one of " + java.util.Arrays.toString(
                    Change.values()));
        }
        if (!(fields.get("account") instanceof Map<?, ?> account) || !(account.get("id") instanceof String id)
                || !id.matches("\\d{12}") || !(account.get("state") instanceof String state) || state.isBlank()) {
            throw new IllegalArgumentException("the message body has no account with a 12-digit id and a state");
        }
        String name = account.get("name") instanceof String n ? n : null;
        String roleArn = fields.get("roleArn") instanceof String r && !r.isBlank() ? r : null;
        if (change != Change.DEPART && roleArn == null) {
            throw new IllegalArgumentException("the message body has no roleArn string");
        }
        String key = WorkerMessages.text(fields, "member");
        boolean consistent = roleArn == null ? key.startsWith(id + "#")
                : key.equals(Connections.key(id, roleArn)) && roleArn.split(":").length > 4
                        && roleArn.split(":")[4].equals(id);
        if (!consistent) {
            throw new IllegalArgumentException("the message body's member key, role and account do not agree");
        }
        return new MemberRequest(WorkerMessages.text(fields, "tenant"), WorkerMessages.text(fields, "connection"), asOf,
                change, new MemberPlan.Member(new OrgAccount(id, name, state), key, roleArn));
    }

    public String body() {
        Map<String, Object> account = new LinkedHashMap<>();
        account.put("id", member.account().id());
        if (member.account().name() != null) {
            account.put("name", WorkerMessages.sqsText(member.account().name()));
        }
        account.put("state", member.account().state());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task", TASK);
        body.put("tenant", tenant);
        body.put("connection", payerConnection);
        body.put("asOf", asOf.toString());
        body.put("change", change.name());
        body.put("member", member.key());
        if (member.roleArn() != null) {
            body.put("roleArn", member.roleArn());
        }
        body.put("account", account);
        return Json.writeString(body);
    }

    /** Never prints more than the member's account: the request is logged by kind, not content. */
    public String describe() {
        return change + " " + member.account().id();
    }
}
