package dev.costlink.registry;

import dev.costlink.common.Deadline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A registry in memory for EventReceiver's tests: tenants, connections per account, the stacks' tenants, and scripted
 * write outcomes (a recorded created/updated awaits proof unless the policy holds it, like ConnectionStatusRule).
 */
final class InMemoryRegistryStore implements RegistryStore {
    record Write(String eventId, Map<String, Object> event, RecordingTarget target) {
        DeliveryOwner.Match owner() {
            return target.owner();
        }
    }

    final Map<String, RegisteredTenant> tenants = new HashMap<>();
    /** Tenants per stack id, as index ByStack finds them. */
    final Map<String, Set<String>> stacks = new HashMap<>();
    int tenantReads;
    final Map<String, List<StoredConnection>> connections = new HashMap<>();
    final Set<String> seen = new HashSet<>();
    final List<Write> writes = new ArrayList<>();
    /** Outcomes to give the next writes, instead of recording; empty: record (or DUPLICATE when seen). */
    final Deque<Recording> scripted = new ArrayDeque<>();
    /** What the next reads of connections see (one list per read), before falling back to {@link #connections}. */
    final Deque<List<StoredConnection>> nextConnectionReads = new ArrayDeque<>();
    int connectionReads;
    RuntimeException failure;
    /** Each revokeMembers call: tenant, payer key, delete event id. */
    final List<List<String>> revocations = new ArrayList<>();
    /** What the next revokeMembers calls give; empty: done, nothing revoked. */
    final Deque<MemberRevocation> scriptedRevocations = new ArrayDeque<>();

    @Override
    public Optional<RegisteredTenant> tenant(String externalIdSha256) {
        tenantReads++;
        if (failure != null) {
            throw failure;
        }
        return Optional.ofNullable(tenants.get(externalIdSha256));
    }

    @Override
    public Set<String> tenantsOfStack(String stackId) {
        if (failure != null) {
            throw failure;
        }
        return stacks.getOrDefault(stackId, Set.of());
    }

    @Override
    public List<StoredConnection> connections(String tenant, String accountId) {
        connectionReads++;
        if (!nextConnectionReads.isEmpty()) {
            return nextConnectionReads.pop();
        }
        return connections.getOrDefault(tenant + "/" + accountId, List.of());
    }

    @Override
    public Recording record(String eventId, Map<String, Object> event, RecordingTarget target, long now) {
        writes.add(new Write(eventId, event, target));
        if (!scripted.isEmpty()) {
            return scripted.pop();
        }
        boolean awaitsProof = EventShape.isConnection(event) && !"connection.deleted".equals(event.get("type"))
                && target.allowedByPolicy();
        return seen.add(eventId) ? new Recording(Recording.Outcome.RECORDED, null, awaitsProof)
                : Recording.of(Recording.Outcome.DUPLICATE);
    }

    @Override
    public MemberRevocation revokeMembers(String tenant, String payerKey, String deleteEventId, long now,
                                          Deadline deadline) {
        revocations.add(List.of(tenant, payerKey, deleteEventId));
        return scriptedRevocations.isEmpty() ? MemberRevocation.done(0, null) : scriptedRevocations.pop();
    }
}
