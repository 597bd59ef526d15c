package dev.costlink.verifier;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.verifier.OrganizationDirectory.Listing;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a payer's member connections must become after an organisation listing, so that the registry's ACTIVE members
 * are exactly the ACTIVE accounts of the targets (the management account excepted: a StackSet never deploys there).
 * Only changes are made, so a steady organisation costs no write; each change travels as a {@link MemberRequest}:
 * <ul>
 *   <li>{@code activate}: an ACTIVE account without an ACTIVE member (new, back from suspension, or back in the
 *   targets): the member is created or made ACTIVE, and queued for this run;</li>
 *   <li>{@code refresh}: an ACTIVE member whose account's name changed;</li>
 *   <li>{@code park}: an account of the targets that is not ACTIVE (suspended, closing): its member is REVOKED with
 *   that state, so the coverage can name it as ignored and the scheduler skips it;</li>
 *   <li>{@code depart}: a member whose account the listing no longer names (left the organisation or the targets):
 *   REVOKED, state LEFT.</li>
 * </ul>
 * A key held by a connection that is not this payer's member (the customer connected that role on its own) is left
 * alone. {@code expected} counts the ACTIVE members the listing calls for, once every change is applied.
 */
public record MemberPlan(List<Member> activate, List<Member> refresh, List<Member> park, List<Member> depart,
                         int expected) {
    /** An account of the listing with its member connection's key and role (null for a departure: not needed). */
    public record Member(OrgAccount account, String key, String roleArn) {}

    /** The changes as queue messages of the run {@code asOf}. */
    public List<MemberRequest> requests(String tenant, String payerKey, java.time.Instant asOf) {
        List<MemberRequest> out = new ArrayList<>();
        activate.forEach(m -> out.add(new MemberRequest(tenant, payerKey, asOf, MemberRequest.Change.ACTIVATE, m)));
        refresh.forEach(m -> out.add(new MemberRequest(tenant, payerKey, asOf, MemberRequest.Change.REFRESH, m)));
        park.forEach(m -> out.add(new MemberRequest(tenant, payerKey, asOf, MemberRequest.Change.PARK, m)));
        depart.forEach(m -> out.add(new MemberRequest(tenant, payerKey, asOf, MemberRequest.Change.DEPART, m)));
        return out;
    }

    public static MemberPlan of(Listing listing, List<TenantConnection> tenantConnections, OrganizationFacts org,
                                String payerRoleArn, String payerKey) {
        Map<String, TenantConnection> byKey = new HashMap<>();
        tenantConnections.forEach(t -> byKey.put(t.key(), t));
        List<Member> activate = new ArrayList<>();
        List<Member> refresh = new ArrayList<>();
        List<Member> park = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        int expected = 0;
        for (OrgAccount account : listing.accounts()) {
            if (account.id().equals(listing.managementAccountId())) {
                continue;
            }
            String roleArn = org.memberRoleArn(payerRoleArn, account.id());
            Member m = new Member(account, Connections.key(account.id(), roleArn), roleArn);
            listed.add(m.key());
            TenantConnection existing = byKey.get(m.key());
            if (existing != null && !existing.memberOf(payerKey)) {
                continue;
            }
            if (account.active()) {
                expected++;
                if (existing == null || !existing.active()) {
                    activate.add(m);
                } else if (!sameListing(existing.account(), account)) {
                    refresh.add(m);
                }
            } else if (existing == null || existing.active() || !sameListing(existing.account(), account)) {
                park.add(m);
            }
        }
        List<Member> depart = tenantConnections.stream()
                .filter(t -> t.memberOf(payerKey) && !listed.contains(t.key()))
                .filter(MemberPlan::notDeparted)
                .map(MemberPlan::departure)
                .toList();
        return new MemberPlan(List.copyOf(activate), List.copyOf(refresh), List.copyOf(park), depart, expected);
    }

    /** Every member of a payer that is not departed yet leaves: what retires an organisation turned off. */
    public static MemberPlan retire(List<TenantConnection> tenantConnections, String payerKey) {
        return new MemberPlan(List.of(), List.of(), List.of(), tenantConnections.stream()
                .filter(t -> t.memberOf(payerKey) && notDeparted(t)).map(MemberPlan::departure).toList(), 0);
    }

    private static boolean notDeparted(TenantConnection t) {
        return t.active() || t.account() == null || !Connections.LEFT_TARGETS.equals(t.account().state());
    }

    private static Member departure(TenantConnection t) {
        return new Member(new OrgAccount(t.accountId(), t.account() == null ? null : t.account().name(),
                Connections.LEFT_TARGETS), t.key(), null);
    }

    private static boolean sameListing(OrgAccount stored, OrgAccount listed) {
        return stored != null && Objects.equals(stored.name(), listed.name())
                && Objects.equals(stored.state(), listed.state());
    }
}
