package dev.costlink.verifier;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.Text;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code organization-coverage} check of a payer connection: the targets' ACTIVE accounts against the roles the
 * verifier could assume in this run. An account is connected when a role of the tenant in it was assumed with the
 * tenant's ExternalId: a member account through its member role, as of this run; the management account (which never
 * gets a StackSet instance) through the payer connection's own role, or through a connection of its own when the
 * stack runs in a delegated administrator account. Suspended and closing accounts are named and ignored.
 * <p>
 * PASS: every active account connected. WARN: some are not. FAIL: none of the member accounts is (a cause common to
 * all: the StackSet did not deploy, or every role holds another ExternalId), or the accounts could not be listed.
 */
public final class CoverageCheck {
    static final String NOT_VERIFIED = "not-verified";
    static final String MANAGEMENT = "management-account";
    /** Accounts named per group in the detail; the rest are counted. */
    static final int NAMED = 10;

    private CoverageCheck() {}

    public static Coverage of(Connection payer, List<TenantConnection> tenantConnections, ListingSummary listing,
                              Instant asOf) {
        OrganizationFacts org = payer.organization().organization();
        List<Coverage.Entry> notConnected = new ArrayList<>();
        List<Coverage.Entry> suspended = new ArrayList<>();
        int members = 0;
        int membersCovered = 0;
        for (TenantConnection t : tenantConnections) {
            if (!t.memberOf(payer.key())) {
                continue;
            }
            String name = t.account() == null ? null : t.account().name();
            if (!t.active()) {
                if (t.account() != null && !dev.costlink.common.RegistrySchema.Connections.LEFT_TARGETS
                        .equals(t.account().state())) {
                    suspended.add(new Coverage.Entry(t.accountId(), name, t.account().state()));
                }
                continue;
            }
            members++;
            if (!t.verifiedSince(asOf)) {
                notConnected.add(new Coverage.Entry(t.accountId(), name, NOT_VERIFIED));
            } else if (!roleAssumed(t)) {
                notConnected.add(new Coverage.Entry(t.accountId(), name, failedChecks(t)));
            } else {
                membersCovered++;
            }
        }
        // Accounts of the listing whose member is not ACTIVE yet: their activation did not finish in time.
        int unregistered = listing.listed() ? Math.max(0, listing.members() - members) : 0;
        int accounts = members + unregistered;
        int covered = membersCovered;
        boolean managementCovered = false;
        if (listing.managementInTargets()) {
            accounts++;
            managementCovered = tenantConnections.stream().anyMatch(t -> t.active()
                    && listing.managementAccountId().equals(t.accountId()) && roleAssumed(t));
            if (managementCovered) {
                covered++;
            } else {
                notConnected.add(new Coverage.Entry(listing.managementAccountId(), null, MANAGEMENT));
            }
        }
        Check.Result result;
        if (!listing.listed() || (members + unregistered > 0 && membersCovered == 0)) {
            result = Check.Result.FAIL;
        } else if (accounts == 0 || covered < accounts) {
            result = Check.Result.WARN;
        } else {
            result = Check.Result.PASS;
        }
        String detail = detail(payer, org, listing, covered, accounts, managementCovered, notConnected, suspended,
                unregistered);
        return new Coverage(covered, accounts, new Check(Coverage.CHECK, result,
                Text.truncateUtf8(detail, HealthEvent.MAX_DETAIL_BYTES)), notConnected, suspended,
                signature(notConnected, listing, unregistered));
    }

    /** The role was assumed in the connection's latest verification. */
    private static boolean roleAssumed(TenantConnection t) {
        return t.health() != null && t.health().checks().stream()
                .anyMatch(c -> "assume-role".equals(c.name()) && c.result() == Check.Result.PASS);
    }

    private static String failedChecks(TenantConnection t) {
        String failed = t.health().checks().stream().filter(c -> c.result() == Check.Result.FAIL).map(Check::name)
                .collect(Collectors.joining(","));
        return failed.isEmpty() ? "assume-role" : failed;
    }

    private static String detail(Connection payer, OrganizationFacts org, ListingSummary listing, int covered,
                                 int accounts, boolean managementCovered, List<Coverage.Entry> notConnected,
                                 List<Coverage.Entry> suspended, int unregistered) {
        StringBuilder d = new StringBuilder();
        d.append(covered).append(" of ").append(accounts).append(" active account").append(accounts == 1 ? "" : "s")
                .append(" in the organisation's targets ").append(accounts == 1 ? "is" : "are").append(" connected");
        if (managementCovered) {
            d.append(" (the management account ").append(listing.managementAccountId())
                    .append(payer.accountId().equals(listing.managementAccountId())
                            ? " through the payer connection's own role)" : " through its own connection)");
        }
        d.append('.');
        if (!listing.listed()) {
            d.append(" The organisation's accounts could not be listed in this run: ").append(listing.error())
                    .append(". The counts are those of the accounts listed last. Fix: let the payer role list the")
                    .append(" organisation (update the connection stack), then the next run lists it again.");
        }
        Map<String, List<Coverage.Entry>> groups = new LinkedHashMap<>();
        notConnected.forEach(e -> groups.computeIfAbsent(e.reason(), r -> new ArrayList<>()).add(e));
        groups.forEach((reason, entries) -> d.append(' ').append(group(reason, entries, org, payer, listing)));
        if (unregistered > 0) {
            d.append(" Not registered in this run (").append(unregistered).append("): accounts of the listing whose ")
                    .append("member connection was not created in time (see the dead-letter queue); the next run ")
                    .append("creates them.");
        }
        if (accounts == 0 && listing.listed()) {
            d.append(" The targets hold no active account: check the connection stack's OrganizationTargets.");
        }
        if (!suspended.isEmpty()) {
            d.append(" Ignored (not active in the organisation) ").append(suspended.size()).append(": ")
                    .append(named(suspended, true)).append('.');
        }
        return d.toString();
    }

    private static String group(String reason, List<Coverage.Entry> entries, OrganizationFacts org, Connection payer,
                                ListingSummary listing) {
        int n = entries.size();
        String accounts = named(entries, false);
        return switch (reason) {
            case NOT_VERIFIED -> "Not verified in this run (" + n + "): " + accounts + ". Their verification did not "
                    + "finish in time (see the dead-letter queue); the next run verifies them again.";
            case MANAGEMENT -> payer.accountId().equals(listing.managementAccountId())
                    ? "The management account " + listing.managementAccountId() + " is not connected: the payer "
                    + "connection's role cannot be assumed (see its assume-role check)."
                    : "The management account " + listing.managementAccountId() + " is not connected: a StackSet "
                    + "never deploys to it, and the stack runs in a delegated administrator account. Fix: deploy the "
                    + "connection stack in the management account too.";
            case "assume-role" -> "Not connected, the member role " + org.memberRoleName() + " cannot be assumed ("
                    + n + "): " + accounts + ". Likely causes: the StackSet instance failed in that account (an SCP "
                    + "denies iam:CreateRole, iam:PutRolePolicy or iam:TagRole, or a role of that name already "
                    + "existed), the role was deleted, or its trust policy holds another ExternalId. Fix: in the "
                    + "account that runs the connection stack, CloudFormation > StackSets > "
                    + (org.stackSetId() == null ? "the stack's member StackSet" : org.stackSetId())
                    + " > Stack instances shows each failed instance's reason; lift the SCP or remove the conflicting "
                    + "role, then retry the instance or update the connection stack. The next run connects it.";
            default -> "Not connected, failing " + reason + " (" + n + "): " + accounts + ". See these member "
                    + "connections' checks.";
        };
    }

    private static String named(List<Coverage.Entry> entries, boolean withState) {
        List<String> shown = new ArrayList<>();
        for (Coverage.Entry e : entries.subList(0, Math.min(NAMED, entries.size()))) {
            List<String> notes = new ArrayList<>();
            if (e.name() != null && !e.name().isBlank()) {
                notes.add(e.name());
            }
            if (withState && e.reason() != null) {
                notes.add(e.reason().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
            shown.add(e.accountId() + (notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")"));
        }
        String text = String.join(", ", shown);
        return entries.size() > NAMED ? text + " and " + (entries.size() - NAMED) + " more" : text;
    }

    /** 32 hex digits over every not-connected account and its reason, the unregistered, and a failed listing. */
    static String signature(List<Coverage.Entry> notConnected, ListingSummary listing, int unregistered) {
        String text = notConnected.stream().map(e -> e.accountId() + ":" + e.reason()).sorted()
                .collect(Collectors.joining("\n")) + (listing.listed() ? "" : "\nlisting-failed")
                + (unregistered > 0 ? "\nunregistered:" + unregistered : "");
        return CallbackSignature.sha256Hex(text).substring(0, 32);
    }
}
