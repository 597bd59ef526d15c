package dev.costlink.verifier;

import static dev.costlink.verifier.Registry.DDB;
import static dev.costlink.verifier.Registry.instant;
import static dev.costlink.verifier.Registry.key;
import static dev.costlink.verifier.Registry.map;
import static dev.costlink.verifier.Registry.n;
import static dev.costlink.verifier.Registry.s;
import static dev.costlink.verifier.Registry.text;

import dev.costlink.common.ConnectionIds;
import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Facts;
import dev.costlink.common.RegistrySchema.Organization;
import dev.costlink.common.Text;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@link OrganizationStore} on the registry's Connections table (dev.costlink.common.RegistrySchema): member items in
 * the tenant's partition, keyed like any connection ({@code <account>#<member role ARN>}) and naming their payer in
 * {@code organizationConnection}; the payer's coverage in its {@code coverage} map. Every write is conditioned so that
 * it never takes over a connection that is not this payer's member.
 */
public final class OrganizationRegistry implements OrganizationStore {
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final List<String> PROJECTION = List.of(Connections.CONNECTION, Connections.ACCOUNT_ID,
            Connections.STATUS, Connections.ORGANIZATION_CONNECTION, Connections.ACCOUNT_NAME,
            Connections.ORGANIZATION_ACCOUNT_STATE, Connections.HEALTH_STATUS,
            Connections.HEALTH_CHECKED_AT, Connections.HEALTH_CHECKS);

    private final String connectionsTable;

    public OrganizationRegistry(String connectionsTable) {
        this.connectionsTable = connectionsTable;
    }

    /** A connection item's place in an organisation (see {@link OrganizationLink}). */
    static OrganizationLink link(Map<String, AttributeValue> item, Map<String, AttributeValue> facts) {
        Map<String, AttributeValue> org = map(facts.get(Facts.ORGANIZATION));
        String payer = text(item.get(Connections.ORGANIZATION_CONNECTION));
        if (!org.isEmpty()) {
            return new OrganizationLink(new OrganizationFacts(text(org.get(Organization.ORGANIZATION_ID)),
                    text(org.get(Organization.STACK_SET_ID)), strings(org.get(Organization.TARGETS)),
                    text(org.get(Organization.MEMBER_ROLE_NAME))), null, false);
        }
        if (payer != null && !payer.isBlank()) {
            return new OrganizationLink(null, payer, false);
        }
        return item.containsKey(Connections.COVERAGE) ? new OrganizationLink(null, null, true) : OrganizationLink.NONE;
    }

    private static List<String> strings(AttributeValue v) {
        if (v == null) {
            return List.of();
        }
        if (v.hasL()) {
            return v.l().stream().map(AttributeValue::s).filter(x -> x != null && !x.isBlank()).toList();
        }
        return v.hasSs() ? List.copyOf(v.ss()) : List.of();
    }

    @Override
    public List<TenantConnection> connectionsOf(String tenantId) {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("#t", Connections.TENANT);
        List<String> projection = new ArrayList<>();
        for (int i = 0; i < PROJECTION.size(); i++) {
            names.put("#p" + i, PROJECTION.get(i));
            projection.add("#p" + i);
        }
        List<TenantConnection> out = new ArrayList<>();
        DDB.get().queryPaginator(r -> r.tableName(connectionsTable).consistentRead(true)
                        .keyConditionExpression("#t = :t").expressionAttributeNames(names)
                        .expressionAttributeValues(Map.of(":t", s(tenantId)))
                        .projectionExpression(String.join(", ", projection)))
                .items().forEach(i -> out.add(tenantConnection(i)));
        return out;
    }

    static TenantConnection tenantConnection(Map<String, AttributeValue> i) {
        String accountId = text(i.get(Connections.ACCOUNT_ID));
        String state = text(i.get(Connections.ORGANIZATION_ACCOUNT_STATE));
        OrgAccount account = state == null ? null
                : new OrgAccount(accountId, text(i.get(Connections.ACCOUNT_NAME)), state);
        String status = text(i.get(Connections.HEALTH_STATUS));
        TenantConnection.Health health = null;
        if (status != null) {
            List<Check> checks = new ArrayList<>();
            for (AttributeValue v : i.getOrDefault(Connections.HEALTH_CHECKS, AttributeValue.fromL(List.of())).l()) {
                Map<String, AttributeValue> c = map(v);
                String result = text(c.get(Connections.CHECK_RESULT));
                Check.Result r = known(Check.Result.class, result);
                if (text(c.get(Connections.CHECK_NAME)) != null && r != null) {
                    checks.add(new Check(text(c.get(Connections.CHECK_NAME)), r, text(c.get(Connections.CHECK_DETAIL))));
                }
            }
            HealthStatus recorded = known(HealthStatus.class, status);
            health = recorded == null ? null
                    : new TenantConnection.Health(recorded, instant(i.get(Connections.HEALTH_CHECKED_AT)), checks);
        }
        return new TenantConnection(text(i.get(Connections.CONNECTION)), accountId,
                Connections.ACTIVE.equals(text(i.get(Connections.STATUS))),
                text(i.get(Connections.ORGANIZATION_CONNECTION)), account, health);
    }

    /** The constant of that name, or null for a value this verifier does not know. */
    private static <E extends Enum<E>> E known(Class<E> type, String name) {
        try {
            return name == null ? null : Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public Applied apply(MemberRequest change, Instant now) {
        MemberPlan.Member m = change.member();
        Write w = new Write(change, change.change() != MemberRequest.Change.REFRESH
                && change.change() != MemberRequest.Change.DEPART);
        w.set("#updatedAt", Connections.UPDATED_AT, n(now.getEpochSecond()));
        switch (change.change()) {
            case ACTIVATE, PARK -> {
                boolean activate = change.change() == MemberRequest.Change.ACTIVATE;
                w.set("#status", Connections.STATUS, s(activate ? Connections.ACTIVE : Connections.REVOKED));
                w.set("#accountId", Connections.ACCOUNT_ID, s(m.account().id()));
                w.set("#roleArn", Connections.ROLE_ARN, s(m.roleArn()));
                w.set("#connectionId", Connections.CONNECTION_ID, s(ConnectionIds.of(m.account().id(), m.roleArn())));
                w.set("#org", Connections.ORGANIZATION_CONNECTION, s(change.payerConnection()));
                w.setIfAbsent("#registeredAt", Connections.REGISTERED_AT, n(now.getEpochSecond()));
                if (activate) {
                    w.remove("#revokedAt", Connections.REVOKED_AT);
                } else {
                    w.setIfAbsent("#revokedAt", Connections.REVOKED_AT, n(now.getEpochSecond()));
                }
                w.listing(m.account());
            }
            case REFRESH -> w.listing(m.account());
            case DEPART -> {
                w.set("#status", Connections.STATUS, s(Connections.REVOKED));
                w.set("#state", Connections.ORGANIZATION_ACCOUNT_STATE, s(Connections.LEFT_TARGETS));
                w.setIfAbsent("#revokedAt", Connections.REVOKED_AT, n(now.getEpochSecond()));
            }
        }
        Map<String, AttributeValue> memberKey = key(change.tenant(), m.key());
        if (change.change() != MemberRequest.Change.ACTIVATE) {
            try {
                DDB.get().updateItem(r -> r.tableName(connectionsTable).key(memberKey).updateExpression(w.expression())
                        .conditionExpression(w.condition).expressionAttributeNames(w.names)
                        .expressionAttributeValues(w.values));
                return Applied.APPLIED;
            } catch (ConditionalCheckFailedException e) {
                return Applied.NOT_MINE;
            }
        }
        try {
            DDB.get().transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().conditionCheck(c -> c.tableName(connectionsTable)
                            .key(key(change.tenant(), change.payerConnection())).conditionExpression("#s = :active")
                            .expressionAttributeNames(Map.of("#s", Connections.STATUS))
                            .expressionAttributeValues(Map.of(":active", s(Connections.ACTIVE)))).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(connectionsTable).key(memberKey)
                            .updateExpression(w.expression()).conditionExpression(w.condition)
                            .expressionAttributeNames(w.names).expressionAttributeValues(w.values)).build()));
            return Applied.APPLIED;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (reasons.size() == 2 && CONDITION_FAILED.equals(reasons.get(0).code())) {
                return Applied.PAYER_GONE;
            }
            if (reasons.size() == 2 && CONDITION_FAILED.equals(reasons.get(1).code())) {
                return Applied.NOT_MINE;
            }
            throw e;
        }
    }

    /**
     * An update expression built attribute by attribute, conditioned on the item being this payer's member, changed
     * last by this run or an earlier one (the run is recorded), or, for a write that may create it, absent.
     */
    private static final class Write {
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<String, AttributeValue> values = new LinkedHashMap<>();
        final List<String> sets = new ArrayList<>();
        final List<String> removes = new ArrayList<>();
        final String condition;

        Write(MemberRequest change, boolean mayCreate) {
            names.put("#org", Connections.ORGANIZATION_CONNECTION);
            names.put("#run", Connections.ORGANIZATION_RUN);
            values.put(":payer", s(change.payerConnection()));
            values.put(":run", n(change.asOf().getEpochSecond()));
            sets.add("#run = :run");
            String mine = "#org = :payer AND (attribute_not_exists(#run) OR #run <= :run)";
            if (mayCreate) {
                names.put("#tenant", Connections.TENANT);
                condition = "attribute_not_exists(#tenant) OR (" + mine + ")";
            } else {
                condition = mine;
            }
        }

        void set(String name, String attribute, AttributeValue value) {
            names.put(name, attribute);
            String placeholder = ":" + name.substring(1);
            values.put(placeholder, value);
            sets.add(name + " = " + placeholder);
        }

        void setIfAbsent(String name, String attribute, AttributeValue value) {
            names.put(name, attribute);
            String placeholder = ":" + name.substring(1);
            values.put(placeholder, value);
            sets.add(name + " = if_not_exists(" + name + ", " + placeholder + ")");
        }

        void remove(String name, String attribute) {
            names.put(name, attribute);
            removes.add(name);
        }

        /** The account's name (removed when the listing gives none) and state. */
        void listing(OrgAccount account) {
            set("#state", Connections.ORGANIZATION_ACCOUNT_STATE, s(account.state()));
            if (account.name() == null || account.name().isEmpty()) {
                remove("#name", Connections.ACCOUNT_NAME);
            } else {
                set("#name", Connections.ACCOUNT_NAME, s(account.name()));
            }
        }

        String expression() {
            return "SET " + String.join(", ", sets) + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes));
        }
    }

    @Override
    public CoverageState coverageOf(Connection payer) {
        Map<String, AttributeValue> item = DDB.get().getItem(r -> r.tableName(connectionsTable)
                .key(key(payer.tenant().id(), payer.key())).consistentRead(true).projectionExpression("#c")
                .expressionAttributeNames(Map.of("#c", Connections.COVERAGE))).item();
        Map<String, AttributeValue> c = item == null ? Map.of() : map(item.get(Connections.COVERAGE));
        Check.Result result = known(Check.Result.class, text(c.get(Connections.COVERAGE_RESULT)));
        return new CoverageState(result == null ? null : HealthStatus.of(List.of(new Check(Coverage.CHECK, result, ""))),
                instant(c.get(Connections.COVERAGE_CHECKED_AT)),
                instant(c.get(Connections.COVERAGE_PUBLISHED_AT)), text(c.get(Connections.COVERAGE_SIGNATURE)),
                Registry.pending(map(c.get(Connections.COVERAGE_PENDING))));
    }

    @Override
    public boolean recordCoverage(Connection payer, Coverage coverage, Instant asOf, Instant publishedAt,
                                  HealthEvent event) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put(Connections.COVERAGE_COVERED, n(coverage.covered()));
        m.put(Connections.COVERAGE_ACCOUNTS, n(coverage.accounts()));
        m.put(Connections.COVERAGE_RESULT, s(coverage.check().result().name()));
        m.put(Connections.COVERAGE_DETAIL, s(Text.truncateUtf8(coverage.check().detail(), HealthEvent.MAX_DETAIL_BYTES)));
        m.put(Connections.COVERAGE_CHECKED_AT, n(asOf.getEpochSecond()));
        m.put(Connections.COVERAGE_NOT_CONNECTED, entries(coverage.notConnected()));
        m.put(Connections.COVERAGE_SUSPENDED, entries(coverage.suspended()));
        m.put(Connections.COVERAGE_SIGNATURE, s(coverage.signature()));
        if (publishedAt != null) {
            m.put(Connections.COVERAGE_PUBLISHED_AT, n(publishedAt.getEpochSecond()));
        }
        if (event != null) {
            m.put(Connections.COVERAGE_PENDING, Registry.pendingValue(event));
        }
        try {
            DDB.get().updateItem(r -> r.tableName(connectionsTable).key(key(payer.tenant().id(), payer.key()))
                    .updateExpression("SET #c = :c")
                    .conditionExpression("#s = :active AND attribute_not_exists(#c.#pending) AND "
                            + "(attribute_not_exists(#c.#at) OR #c.#at < :t)")
                    .expressionAttributeNames(Map.of("#c", Connections.COVERAGE, "#s", Connections.STATUS,
                            "#pending", Connections.COVERAGE_PENDING, "#at", Connections.COVERAGE_CHECKED_AT))
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromM(m), ":active", s(Connections.ACTIVE),
                            ":t", n(asOf.getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** The stored lists are bounded like the event's ({@link OrganizationEvent#MAX_LISTED}); counts stay whole. */
    private static AttributeValue entries(List<Coverage.Entry> entries) {
        List<AttributeValue> out = new ArrayList<>();
        for (Map<String, String> e : OrganizationEvent.entries(entries)) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            m.put(Connections.COVERAGE_ACCOUNT_ID, s(e.get("accountId")));
            if (e.get("name") != null) {
                m.put(Connections.COVERAGE_ACCOUNT_NAME, s(e.get("name")));
            }
            m.put(Connections.COVERAGE_REASON, s(e.get("reason")));
            out.add(AttributeValue.fromM(m));
        }
        return AttributeValue.fromL(out);
    }

    @Override
    public void coveragePublished(Connection payer, String eventId) {
        try {
            DDB.get().updateItem(r -> r.tableName(connectionsTable).key(key(payer.tenant().id(), payer.key()))
                    .updateExpression("REMOVE #c.#pending").conditionExpression("#c.#pending.#id = :id")
                    .expressionAttributeNames(Map.of("#c", Connections.COVERAGE, "#pending",
                            Connections.COVERAGE_PENDING, "#id", Connections.PENDING_EVENT_ID))
                    .expressionAttributeValues(Map.of(":id", s(eventId))));
        } catch (ConditionalCheckFailedException e) {
            // Another run published and cleared it first.
        }
    }

    @Override
    public void forgetCoverage(Connection payer) {
        DDB.get().updateItem(r -> r.tableName(connectionsTable).key(key(payer.tenant().id(), payer.key()))
                .updateExpression("REMOVE #c").expressionAttributeNames(Map.of("#c", Connections.COVERAGE)));
    }
}
