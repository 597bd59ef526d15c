package dev.costlink.verifier;

import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tenant's connections and the payer's coverage in memory, with the registry's conditions. */
final class InMemoryOrganizationStore implements OrganizationStore {
    final Map<String, TenantConnection> connections = new LinkedHashMap<>();
    final Map<String, Instant> runs = new HashMap<>();
    final List<String> applied = new ArrayList<>();
    boolean payerActive = true;
    CoverageState coverage = CoverageState.NONE;
    Coverage recorded;
    int coverageRecords;

    InMemoryOrganizationStore with(TenantConnection... items) {
        for (TenantConnection t : items) {
            connections.put(t.key(), t);
        }
        return this;
    }

    @Override
    public List<TenantConnection> connectionsOf(String tenantId) {
        return List.copyOf(connections.values());
    }

    @Override
    public Applied apply(MemberRequest r, Instant now) {
        String key = r.member().key();
        TenantConnection old = connections.get(key);
        boolean mine = old != null && r.payerConnection().equals(old.payerConnection())
                && (runs.get(key) == null || !runs.get(key).isAfter(r.asOf()));
        boolean mayCreate = r.change() == MemberRequest.Change.ACTIVATE || r.change() == MemberRequest.Change.PARK;
        if (!(mine || (old == null && mayCreate))) {
            return Applied.NOT_MINE;
        }
        if (r.change() == MemberRequest.Change.ACTIVATE && !payerActive) {
            return Applied.PAYER_GONE;
        }
        applied.add(r.describe());
        runs.put(key, r.asOf());
        boolean active = switch (r.change()) {
            case ACTIVATE -> true;
            case REFRESH -> old.active();
            case PARK, DEPART -> false;
        };
        OrgAccount account = r.member().account();
        connections.put(key, new TenantConnection(key, account.id(), active, r.payerConnection(), account,
                old == null ? null : old.health()));
        return Applied.APPLIED;
    }

    @Override
    public CoverageState coverageOf(Connection payer) {
        return coverage;
    }

    @Override
    public boolean recordCoverage(Connection payer, Coverage c, Instant asOf, Instant publishedAt, HealthEvent event) {
        if (!payerActive || coverage.pending() != null
                || (coverage.checkedAt() != null && !coverage.checkedAt().isBefore(asOf))) {
            return false;
        }
        coverageRecords++;
        recorded = c;
        coverage = new CoverageState(c.status(), asOf, publishedAt, c.signature(), event);
        return true;
    }

    @Override
    public void coveragePublished(Connection payer, String eventId) {
        if (coverage.pending() != null && coverage.pending().eventId().equals(eventId)) {
            coverage = new CoverageState(coverage.status(), coverage.checkedAt(), coverage.publishedAt(),
                    coverage.signature(), null);
        }
    }

    @Override
    public void forgetCoverage(Connection payer) {
        applied.add("forget coverage");
        coverage = CoverageState.NONE;
    }
}
