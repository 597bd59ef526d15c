package dev.costlink.verifier;

import dev.costlink.common.AwsClients;
import dev.costlink.common.ConnectionIds;
import dev.costlink.common.Lazy;
import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Deliveries;
import dev.costlink.common.RegistrySchema.Facts;
import dev.costlink.common.RegistrySchema.Tenants;
import dev.costlink.common.Text;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The verifier's view of the registry the endpoint writes (dev.costlink.common.RegistrySchema): active and pending
 * connections, tenants, last deliveries, the health state the verifier keeps on each connection, and the move of a
 * PENDING connection to ACTIVE once its role is proved. Every query and scan reads every page.
 */
public final class Registry implements HealthStore, PendingStore {
    static final Lazy<DynamoDbClient> DDB = new Lazy<>(() -> AwsClients.configure(DynamoDbClient.builder()).build());
    private static final List<String> DELIVERY_TEXT = List.of(Deliveries.TYPE, Deliveries.KIND, Deliveries.EXPORT_NAME,
            Deliveries.REPORT_NAME, Deliveries.BILLING_PERIOD, Deliveries.MANIFEST_KEY);
    private static final List<String> DELIVERY_NUMBERS = List.of(Deliveries.FILE_COUNT, Deliveries.TOTAL_ROWS,
            Deliveries.TOTAL_BYTES);
    /** Inside a delivery.invalid record: the callback contract's {@code delivery.problems} and {@code problemCount}. */
    static final String PROBLEMS = "problems";
    static final String PROBLEM_COUNT = "problemCount";
    static final int MAX_PROBLEMS = 3;
    static final int MAX_PROBLEM_BYTES = 512;

    private final String tenantsTable;
    private final String connectionsTable;
    private final String deliveriesTable;

    public Registry(String tenantsTable, String connectionsTable, String deliveriesTable) {
        this.tenantsTable = tenantsTable;
        this.connectionsTable = connectionsTable;
        this.deliveriesTable = deliveriesTable;
    }

    @Override
    public DeliveryReports deliveries(Connection c) {
        if (deliveriesTable == null) {
            return DeliveryReports.UNKNOWN;
        }
        List<ReportedDelivery> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : DDB.get().queryPaginator(r -> r.tableName(deliveriesTable)
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(Map.of("#k", Deliveries.TENANT_ACCOUNT))
                .expressionAttributeValues(Map.of(":k", s(Deliveries.partitionKey(c.tenant().id(), c.accountId())))))
                .items()) {
            ReportedDelivery r = reported(item);
            if (r != null) {
                out.add(r);
            }
        }
        return new DeliveryReports(out);
    }

    /** One export's record of the deliveries table; null when it holds no last delivery. */
    static ReportedDelivery reported(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> d = map(item.get(Deliveries.LAST_DELIVERY));
        if (d.isEmpty()) {
            return null;
        }
        String[] kindAndName = DeliveryReports.kindAndName(text(item.get(Deliveries.EXPORT)));
        Instant received = instant(d.get(Deliveries.RECEIVED_AT));
        return new ReportedDelivery(kindAndName[0], kindAndName[1], summary(d, received == null ? 0 : received.getEpochSecond()),
                instant(item.get(Deliveries.LAST_VALID_AT)), problems(d));
    }

    /** The first problems the detector named, each bounded, and how many more there were. */
    private static List<String> problems(Map<String, AttributeValue> d) {
        List<String> out = new ArrayList<>();
        List<AttributeValue> listed = d.containsKey(PROBLEMS) && d.get(PROBLEMS).hasL() ? d.get(PROBLEMS).l() : List.of();
        for (AttributeValue p : listed.subList(0, Math.min(MAX_PROBLEMS, listed.size()))) {
            Map<String, AttributeValue> m = map(p);
            String file = text(m.get("file"));
            String problem = text(m.get("problem"));
            out.add(Text.truncateUtf8((file == null ? "" : file + ": ") + (problem == null ? "unnamed" : problem),
                    MAX_PROBLEM_BYTES));
        }
        long total = d.containsKey(PROBLEM_COUNT) && d.get(PROBLEM_COUNT).n() != null
                ? Long.parseLong(d.get(PROBLEM_COUNT).n()) : listed.size();
        if (total > out.size()) {
            out.add("and " + (total - out.size()) + " more");
        }
        return out;
    }

    private static Map<String, Object> summary(Map<String, AttributeValue> d, long receivedAt) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : DELIVERY_TEXT) {
            if (d.containsKey(key) && d.get(key).s() != null) {
                out.put(key, d.get(key).s());
            }
        }
        for (String key : DELIVERY_NUMBERS) {
            if (d.containsKey(key) && d.get(key).n() != null) {
                out.put(key, Long.parseLong(d.get(key).n()));
            }
        }
        out.put(Deliveries.RECEIVED_AT, Instant.ofEpochSecond(receivedAt).toString());
        return out;
    }

    /**
     * Every connection a scheduled run verifies ({@link ScheduledSelection}: ACTIVE, or PENDING and not held), its
     * tenant and key, page by page (a registry of any size streams through).
     */
    public void forEachDue(BiConsumer<String, String> tenantAndKey) {
        DDB.get().scanPaginator(r -> r.tableName(connectionsTable)
                        .projectionExpression("#t, #c, #s, #a")
                        .expressionAttributeNames(Map.of("#s", Connections.STATUS, "#t", Connections.TENANT,
                                "#c", Connections.CONNECTION, "#a", Connections.APPROVAL)))
                .items().stream()
                .filter(i -> ScheduledSelection.due(text(i.get(Connections.STATUS)), text(i.get(Connections.APPROVAL))))
                .forEach(i -> tenantAndKey.accept(i.get(Connections.TENANT).s(), i.get(Connections.CONNECTION).s()));
    }

    @Override
    public PendingConnection pending(String tenantId, String key) {
        Map<String, AttributeValue> c = DDB.get().getItem(r -> r.tableName(connectionsTable).key(key(tenantId, key))
                .consistentRead(true)).item();
        if (c == null || c.isEmpty() || !Connections.PENDING.equals(text(c.get(Connections.STATUS)))) {
            return null;
        }
        Map<String, AttributeValue> t = DDB.get().getItem(r -> r.tableName(tenantsTable)
                .key(Map.of(Tenants.KEY, s(tenantId)))).item();
        if (t == null || t.isEmpty()) {
            return null;
        }
        return new PendingConnection(tenantId, key, text(c.get(Connections.ROLE_ARN)), text(t.get(Tenants.EXTERNAL_ID)),
                text(c.get(Connections.LAST_EVENT_ID)),
                Connections.APPROVAL_REQUIRED.equals(text(c.get(Connections.APPROVAL))));
    }

    @Override
    public boolean activate(PendingConnection c, Instant provedAt) {
        return unchangedPending(c, "SET #status = :active, #provedAt = :t, #triedAt = :t REMOVE #reason",
                Map.of("#provedAt", Connections.PROVED_AT, "#triedAt", Connections.PROOF_TRIED_AT,
                        "#reason", Connections.PENDING_REASON),
                Map.of(":active", s(Connections.ACTIVE), ":t", n(provedAt.getEpochSecond())));
    }

    @Override
    public boolean unproved(PendingConnection c, String reason, Instant triedAt) {
        return unchangedPending(c, "SET #reason = :reason, #triedAt = :t",
                Map.of("#triedAt", Connections.PROOF_TRIED_AT, "#reason", Connections.PENDING_REASON),
                Map.of(":reason", s(reason), ":t", n(triedAt.getEpochSecond())));
    }

    /**
     * Applies {@code update} only while the connection is still PENDING from the connection event it was read with and
     * not held for approval: a newer event, a revocation or a hold in the meantime wins.
     */
    private boolean unchangedPending(PendingConnection c, String update, Map<String, String> names,
                                     Map<String, AttributeValue> values) {
        Map<String, String> allNames = new LinkedHashMap<>(names);
        allNames.put("#status", Connections.STATUS);
        allNames.put("#event", Connections.LAST_EVENT_ID);
        allNames.put("#approval", Connections.APPROVAL);
        Map<String, AttributeValue> allValues = new LinkedHashMap<>(values);
        allValues.put(":pending", s(Connections.PENDING));
        allValues.put(":required", s(Connections.APPROVAL_REQUIRED));
        String condition = "#status = :pending AND (attribute_not_exists(#approval) OR #approval <> :required) AND ";
        if (c.lastEventId() == null) {
            condition += "attribute_not_exists(#event)";
        } else {
            allValues.put(":event", s(c.lastEventId()));
            condition += "#event = :event";
        }
        String finalCondition = condition;
        try {
            DDB.get().updateItem(r -> r.tableName(connectionsTable).key(key(c.tenantId(), c.key()))
                    .updateExpression(update).conditionExpression(finalCondition)
                    .expressionAttributeNames(allNames).expressionAttributeValues(allValues));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Connection load(String tenantId, String key) {
        Map<String, AttributeValue> c = DDB.get().getItem(r -> r.tableName(connectionsTable).key(key(tenantId, key))
                .consistentRead(true)).item();
        if (c == null || c.isEmpty() || !Connections.ACTIVE.equals(text(c.get(Connections.STATUS)))) {
            return null;
        }
        Map<String, AttributeValue> t = DDB.get().getItem(r -> r.tableName(tenantsTable)
                .key(Map.of(Tenants.KEY, s(tenantId)))).item();
        if (t == null || t.isEmpty()) {
            return null;
        }
        Map<String, AttributeValue> facts = map(c.get(Connections.FACTS));
        String accountId = text(c.get(Connections.ACCOUNT_ID));
        String roleArn = text(c.get(Connections.ROLE_ARN));
        return new Connection(new Tenant(tenantId, text(t.get(Tenants.NAME)), text(t.get(Tenants.EXTERNAL_ID))), key,
                connectionId(c, facts, accountId, roleArn), accountId, roleArn,
                instant(c.get(Connections.REGISTERED_AT)), billing(facts, text(c.get(Connections.REGION))), health(c),
                OrganizationRegistry.link(c, facts));
    }

    /** The id the callback reported when the registry holds it, else the same derivation the callback uses. */
    static String connectionId(Map<String, AttributeValue> item, Map<String, AttributeValue> facts, String accountId,
                               String roleArn) {
        String reported = text(item.get(Connections.CONNECTION_ID));
        if (reported == null) {
            reported = text(facts.get(Facts.CONNECTION_ID));
        }
        return reported != null && !reported.isBlank() ? reported : ConnectionIds.of(accountId, roleArn);
    }

    /** The connection event's facts as stored; {@code region} is the connection stack's (the item's). */
    static BillingFacts billing(Map<String, AttributeValue> facts, String region) {
        Map<String, AttributeValue> prefixes = map(facts.get(Facts.PREFIXES));
        String queueUrl = text(facts.get(Facts.DELIVERY_FAILURES_QUEUE_URL));
        return new BillingFacts(text(facts.get(Facts.BUCKET)), text(facts.get(Facts.CUR_VERSION)),
                feed(prefixes, Facts.CUR_PREFIX, facts, Facts.EXPORT_NAME, Facts.EXPORT_ARN),
                feed(prefixes, Facts.FOCUS_PREFIX, facts, Facts.FOCUS_EXPORT_NAME, Facts.FOCUS_EXPORT_ARN),
                feed(prefixes, Facts.CARBON_PREFIX, facts, Facts.CARBON_EXPORT_NAME, Facts.CARBON_EXPORT_ARN),
                queueUrl == null ? null : new BillingFacts.FailureQueue(queueUrl, region));
    }

    private static BillingFacts.Feed feed(Map<String, AttributeValue> prefixes, String prefix,
                                          Map<String, AttributeValue> facts, String name, String arn) {
        return new BillingFacts.Feed(text(prefixes.get(prefix)),
                new ExportRef(text(facts.get(name)), text(facts.get(arn))));
    }

    private static HealthState health(Map<String, AttributeValue> c) {
        String status = text(c.get(Connections.HEALTH_STATUS));
        return new HealthState(status == null ? null : HealthStatus.valueOf(status),
                instant(c.get(Connections.HEALTH_CHECKED_AT)), instant(c.get(Connections.HEALTH_PUBLISHED_AT)),
                pending(map(c.get(Connections.HEALTH_PENDING))));
    }

    static HealthEvent pending(Map<String, AttributeValue> p) {
        if (p.isEmpty()) {
            return null;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        map(p.get(Connections.PENDING_ATTRIBUTES)).forEach((k, v) -> attributes.put(k, v.s()));
        return new HealthEvent(text(p.get(Connections.PENDING_EVENT_ID)), text(p.get(Connections.PENDING_SUBJECT)),
                text(p.get(Connections.PENDING_MESSAGE)), attributes);
    }

    /**
     * One conditional update: the connection is still ACTIVE, its last check time is the one {@code c} was loaded with
     * (no other run recorded since), and no event is pending. A repeated or concurrent run therefore cannot record,
     * nor publish, twice.
     */
    @Override
    public boolean record(Connection c, HealthStatus status, List<Check> checks, Instant asOf, HealthEvent event) {
        List<AttributeValue> list = new ArrayList<>();
        for (Check k : checks) {
            Map<String, AttributeValue> check = new LinkedHashMap<>();
            check.put(Connections.CHECK_NAME, s(k.name()));
            check.put(Connections.CHECK_RESULT, s(k.result().name()));
            if (k.state() != null) {
                check.put(Connections.CHECK_STATE, s(k.state().name()));
            }
            check.put(Connections.CHECK_DETAIL, s(Text.truncateUtf8(k.detail(), HealthEvent.MAX_DETAIL_BYTES)));
            list.add(AttributeValue.fromM(check));
        }
        Map<String, String> names = new LinkedHashMap<>();
        names.put("#state", Connections.STATUS);
        names.put("#status", Connections.HEALTH_STATUS);
        names.put("#checks", Connections.HEALTH_CHECKS);
        names.put("#checkedAt", Connections.HEALTH_CHECKED_AT);
        names.put("#pending", Connections.HEALTH_PENDING);
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":active", s(Connections.ACTIVE));
        values.put(":s", s(status.name()));
        values.put(":c", AttributeValue.fromL(list));
        values.put(":t", n(asOf.getEpochSecond()));
        String update = "SET #status = :s, #checks = :c, #checkedAt = :t";
        if (event != null) {
            names.put("#publishedAt", Connections.HEALTH_PUBLISHED_AT);
            values.put(":p", pendingValue(event));
            update += ", #publishedAt = :t, #pending = :p";
        }
        String condition = "#state = :active AND attribute_not_exists(#pending) AND ";
        Instant previous = c.health().checkedAt();
        if (previous == null) {
            condition += "attribute_not_exists(#checkedAt)";
        } else {
            values.put(":previous", n(previous.getEpochSecond()));
            condition += "#checkedAt = :previous";
        }
        String finalUpdate = update;
        String finalCondition = condition;
        try {
            DDB.get().updateItem(r -> r.tableName(connectionsTable).key(key(c.tenant().id(), c.key()))
                    .updateExpression(finalUpdate).conditionExpression(finalCondition)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void published(Connection c, String eventId) {
        try {
            DDB.get().updateItem(r -> r.tableName(connectionsTable).key(key(c.tenant().id(), c.key()))
                    .updateExpression("REMOVE #pending").conditionExpression("#pending.#id = :id")
                    .expressionAttributeNames(Map.of("#pending", Connections.HEALTH_PENDING,
                            "#id", Connections.PENDING_EVENT_ID))
                    .expressionAttributeValues(Map.of(":id", s(eventId))));
        } catch (ConditionalCheckFailedException e) {
            // Another run published and cleared it first, which is what this call was for.
        }
    }

    static AttributeValue pendingValue(HealthEvent e) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        e.attributes().forEach((k, v) -> attributes.put(k, s(v)));
        return AttributeValue.fromM(Map.of(Connections.PENDING_EVENT_ID, s(e.eventId()),
                Connections.PENDING_SUBJECT, s(e.subject()), Connections.PENDING_MESSAGE, s(e.message()),
                Connections.PENDING_ATTRIBUTES, AttributeValue.fromM(attributes)));
    }

    static Map<String, AttributeValue> key(String tenantId, String key) {
        return Map.of(Connections.TENANT, s(tenantId), Connections.CONNECTION, s(key));
    }

    static Map<String, AttributeValue> map(AttributeValue v) {
        return v == null || !v.hasM() ? Map.of() : v.m();
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static String text(AttributeValue v) {
        return v == null ? null : v.s();
    }

    static Instant instant(AttributeValue v) {
        return v == null || v.n() == null ? null : Instant.ofEpochSecond(Long.parseLong(v.n()));
    }
}
