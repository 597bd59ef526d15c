package dev.costlink.registry;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Deadline;
import dev.costlink.common.Lazy;
import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Deliveries;
import dev.costlink.common.RegistrySchema.Facts;
import dev.costlink.common.RegistrySchema.Events;
import dev.costlink.common.RegistrySchema.Tenants;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The registry in DynamoDB (schema: {@link dev.costlink.common.RegistrySchema}). Each event is recorded in the events
 * table and applied to the connections or deliveries table in one transaction whose condition is "event id not seen":
 * a retried or replayed event changes nothing. A connection's history keeps its newest
 * {@link Connections#HISTORY_LIMIT} entries: the item is read, and written back only if its last event is still the one
 * read (else {@link Recording.Outcome#CONNECTION_CHANGED}, and the receiver decides again). A connection event that
 * occurred before the one the item last applied is recorded as seen and changes nothing. Revoking a payer's members
 * follows the exactly-once record, in batches ({@link #revokeMembers}).
 */
public final class DynamoRegistryStore implements RegistryStore {
    static final String VALIDATION_EXCEPTION = "ValidationException";

    /** Table names, from the environment the vendor stack sets. */
    public record Tables(String tenants, String connections, String deliveries, String events) {
        public static Tables from(Map<String, String> env) {
            List<String> missing = new ArrayList<>();
            for (String n : List.of(Tenants.TABLE_ENV, Connections.TABLE_ENV, Deliveries.TABLE_ENV, Events.TABLE_ENV)) {
                if (env.get(n) == null || env.get(n).isBlank()) {
                    missing.add(n);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("registry is not configured: " + String.join(", ", missing) + " must be set");
            }
            return new Tables(env.get(Tenants.TABLE_ENV), env.get(Connections.TABLE_ENV),
                    env.get(Deliveries.TABLE_ENV), env.get(Events.TABLE_ENV));
        }
    }

    /**
     * One transaction: its items and, in the same order, what each one is for; {@code detail} says what a committed
     * transaction did when that is not simply "applied" (null).
     */
    private record Transaction(List<TransactWriteItem> items, List<TransactionOutcome.Item> roles, String detail,
                               boolean awaitsProof) {
        Transaction(List<TransactWriteItem> items, List<TransactionOutcome.Item> roles) {
            this(items, roles, null, false);
        }

        /** Nothing to write: the event comes from another stack than the registered connection's. */
        static Transaction wrongStack() {
            return new Transaction(List.of(), List.of(), "the connection is registered by another stack", false);
        }
    }

    /** A member revocation transaction: DynamoDB's 100 items, one of them the check that the payer is still revoked. */
    static final int MEMBERS_PER_TRANSACTION = 99;
    /** Query-and-revoke rounds of one revocation; members that keep conflicting are left to the sender's retry. */
    static final int MAX_REVOCATION_ROUNDS = 3;

    private final Tables tables;
    private final Lazy<DynamoDbClient> client =
            new Lazy<>(() -> AwsClients.configure(DynamoDbClient.builder()).build());

    public DynamoRegistryStore(Tables tables) {
        this.tables = tables;
    }

    @Override
    public Optional<RegisteredTenant> tenant(String externalIdSha256) {
        Map<String, AttributeValue> item = client.get().getItem(r -> r.tableName(tables.tenants())
                .key(Map.of(Tenants.KEY, s(externalIdSha256)))).item();
        if (item == null || !item.containsKey(Tenants.EXTERNAL_ID)
                || Tenants.DISABLED.equals(text(item.get(Tenants.STATUS)))) {
            return Optional.empty();
        }
        return Optional.of(new RegisteredTenant(item.get(Tenants.EXTERNAL_ID).s(),
                texts(item.get(Tenants.ALLOWED_ACCOUNTS)), texts(item.get(Tenants.ALLOWED_ORGANIZATIONS))));
    }

    /** A policy list (a list or a string set of text), or null when absent. */
    static Set<String> texts(AttributeValue v) {
        if (v == null) {
            return null;
        }
        Set<String> out = new HashSet<>();
        if (v.hasSs()) {
            out.addAll(v.ss());
        } else if (v.hasL()) {
            v.l().forEach(x -> {
                if (x.s() != null) {
                    out.add(x.s());
                }
            });
        } else {
            return null;
        }
        return Set.copyOf(out);
    }

    @Override
    public Set<String> tenantsOfStack(String stackId) {
        Set<String> out = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Expression x = new Expression();
            String condition = x.name(Connections.STACK_ID) + " = " + x.value(s(stackId));
            String projection = x.name(Connections.TENANT);
            Map<String, AttributeValue> from = start;
            QueryResponse page = client.get().query(r -> r.tableName(tables.connections())
                    .indexName(Connections.BY_STACK_INDEX).keyConditionExpression(condition)
                    .projectionExpression(projection).expressionAttributeNames(x.names())
                    .expressionAttributeValues(x.values()).exclusiveStartKey(from));
            page.items().forEach(item -> out.add(text(item.get(Connections.TENANT))));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        out.remove(null);
        return out;
    }

    @Override
    public List<StoredConnection> connections(String tenant, String accountId) {
        List<StoredConnection> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Expression x = new Expression();
            String condition = x.name(Connections.TENANT) + " = " + x.value(s(tenant)) + " AND begins_with("
                    + x.name(Connections.CONNECTION) + ", " + x.value(s(Connections.key(accountId, ""))) + ")";
            String projection = String.join(", ", x.name(Connections.CONNECTION), x.name(Connections.STATUS),
                    x.name(Connections.STACK_ID), x.name(Connections.FACTS));
            Map<String, AttributeValue> from = start;
            QueryResponse page = client.get().query(r -> r.tableName(tables.connections()).consistentRead(true)
                    .keyConditionExpression(condition).projectionExpression(projection)
                    .expressionAttributeNames(x.names()).expressionAttributeValues(x.values()).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> attributes = (Map<String, Object>) plain(AttributeValue.fromM(item));
                out.add(new StoredConnection(text(item.get(Connections.CONNECTION)), attributes));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public Recording record(String eventId, Map<String, Object> event, RecordingTarget target, long now) {
        Transaction tx = EventShape.isConnection(event) ? connection(eventId, event, target, now)
                : delivery(eventId, event, target, now);
        if (tx.items().isEmpty()) {
            return new Recording(Recording.Outcome.WRONG_STACK, tx.detail());
        }
        try {
            client.get().transactWriteItems(r -> r.transactItems(tx.items()));
            return new Recording(Recording.Outcome.RECORDED, tx.detail(), tx.awaitsProof());
        } catch (TransactionCanceledException e) {
            List<String> codes = e.hasCancellationReasons()
                    ? e.cancellationReasons().stream().map(CancellationReason::code).toList() : List.of();
            return TransactionOutcome.of(codes, tx.roles());
        } catch (DynamoDbException e) {
            // A request DynamoDB refuses as invalid (a number beyond its range, nesting too deep, an item over
            // 400 KB) is refused again on every retry.
            if (e.awsErrorDetails() != null && VALIDATION_EXCEPTION.equals(e.awsErrorDetails().errorCode())) {
                return new Recording(Recording.Outcome.UNSTORABLE, VALIDATION_EXCEPTION);
            }
            throw e;
        }
    }

    private TransactWriteItem seen(String eventId, Map<String, Object> event, String tenant, long now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Events.EVENT_ID, s(eventId));
        item.put(Events.TYPE, s((String) event.get("type")));
        item.put(Events.TENANT, s(tenant));
        item.put(Events.RECEIVED_AT, n(now));
        item.put(Events.EXPIRES_AT, n(now + Events.EVENT_MEMORY_SECONDS));
        Expression x = new Expression();
        String condition = "attribute_not_exists(" + x.name(Events.EVENT_ID) + ")";
        return TransactWriteItem.builder().put(p -> p.tableName(tables.events()).item(item)
                .conditionExpression(condition).expressionAttributeNames(x.names())).build();
    }

    private Transaction connection(String eventId, Map<String, Object> event, RecordingTarget target, long now) {
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) event.get("connection");
        String type = (String) event.get("type");
        String account = (String) event.get("accountId");
        String role = (String) facts.get("roleArn");
        String stackId = (String) event.get("stackId");
        Map<String, AttributeValue> key = Map.of(Connections.TENANT, s(target.tenant()),
                Connections.CONNECTION, s(Connections.key(account, role)));

        Expression read = new Expression();
        String projection = String.join(", ", read.name(Connections.LAST_EVENT_ID), read.name(Connections.HISTORY),
                read.name(Connections.LAST_OCCURRED_AT), read.name(Connections.STATUS), read.name(Connections.APPROVAL),
                read.name(Connections.STACK_ID));
        Map<String, AttributeValue> current = client.get().getItem(r -> r.tableName(tables.connections()).key(key)
                .consistentRead(true).projectionExpression(projection).expressionAttributeNames(read.names())).item();
        AttributeValue lastEvent = current == null ? null : current.get(Connections.LAST_EVENT_ID);
        List<AttributeValue> history = current == null || !current.containsKey(Connections.HISTORY)
                ? List.of() : current.get(Connections.HISTORY).l();
        long occurred = EventShape.occurredAtMillis(event);
        String registeredStack = current == null ? null : text(current.get(Connections.STACK_ID));
        if (!type.equals("connection.created") && registeredStack != null && !registeredStack.equals(stackId)) {
            return Transaction.wrongStack();
        }
        if (olderThanApplied(current, occurred)) {
            return stale(eventId, event, target.tenant(), key, lastEvent, now);
        }
        ConnectionStatusRule.Decision decision = ConnectionStatusRule.decide(type,
                current == null ? null : text(current.get(Connections.STATUS)),
                current == null ? null : text(current.get(Connections.APPROVAL)), target.allowedByPolicy());

        Expression x = new Expression();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        String at = x.value(n(now));
        set.add(x.name(Connections.ACCOUNT_ID) + " = " + x.value(s(account)));
        set.add(x.name(Connections.ROLE_ARN) + " = " + x.value(s(role)));
        set.add(x.name(Connections.UPDATED_AT) + " = " + at);
        set.add(x.name(Connections.LAST_EVENT_ID) + " = " + x.value(s(eventId)));
        set.add(x.name(Connections.LAST_OCCURRED_AT) + " = " + x.value(n(occurred)));
        set.add(x.name(Connections.HISTORY) + " = "
                + x.value(AttributeValue.fromL(boundedHistory(history, historyEntry(type, eventId, now),
                        Connections.HISTORY_LIMIT))));
        set.add(x.name(Connections.STATUS) + " = " + x.value(s(decision.status())));
        if (decision.pendingReason() != null) {
            set.add(x.name(Connections.PENDING_REASON) + " = " + x.value(s(decision.pendingReason())));
        } else {
            remove.add(x.name(Connections.PENDING_REASON));
        }
        if (decision.approval() == null) {
            remove.add(x.name(Connections.APPROVAL));
        } else if (!decision.approval().equals(ConnectionStatusRule.KEEP)) {
            set.add(x.name(Connections.APPROVAL) + " = " + x.value(s(decision.approval())));
        }
        if (type.equals("connection.deleted")) {
            set.add(x.name(Connections.REVOKED_AT) + " = " + at);
        } else {
            set.add(x.name(Connections.FACTS) + " = " + x.value(value(facts)));
            set.add(x.name(Connections.STACK_ID) + " = " + x.value(s(stackId)));
            if (event.get("region") instanceof String region) {
                set.add(x.name(Connections.REGION) + " = " + x.value(s(region)));
            }
            if (event.get("partition") instanceof String partition) {
                set.add(x.name(Connections.PARTITION) + " = " + x.value(s(partition)));
            }
            set.add(x.name(Connections.REGISTERED_AT) + " = if_not_exists(" + x.name(Connections.REGISTERED_AT) + ", "
                    + at + ")");
            remove.add(x.name(Connections.REVOKED_AT));
        }
        String update = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        String unchanged = unchanged(x, lastEvent);
        TransactWriteItem effect = TransactWriteItem.builder().update(u -> u.tableName(tables.connections()).key(key)
                .updateExpression(update).conditionExpression(unchanged)
                .expressionAttributeNames(x.names()).expressionAttributeValues(x.values())).build();
        return new Transaction(List.of(seen(eventId, event, target.tenant(), now), effect),
                List.of(TransactionOutcome.Item.SEEN_EVENT, TransactionOutcome.Item.GUARDED_CONNECTION), null,
                decision.awaitsProof());
    }

    /** True when the item holds a connection event that occurred after {@code occurredMillis} (ties are applied). */
    static boolean olderThanApplied(Map<String, AttributeValue> current, long occurredMillis) {
        AttributeValue last = current == null ? null : current.get(Connections.LAST_OCCURRED_AT);
        return last != null && last.n() != null && new BigDecimal(last.n()).compareTo(BigDecimal.valueOf(occurredMillis)) > 0;
    }

    /**
     * An event older than the one the connection holds: recorded as seen (exactly once, like any other) and applied to
     * nothing, under the same check that the connection is still as read.
     */
    private Transaction stale(String eventId, Map<String, Object> event, String tenant, Map<String, AttributeValue> key,
                              AttributeValue lastEvent, long now) {
        Expression x = new Expression();
        String unchanged = unchanged(x, lastEvent);
        TransactWriteItem guard = TransactWriteItem.builder().conditionCheck(c -> c.tableName(tables.connections())
                .key(key).conditionExpression(unchanged)
                .expressionAttributeNames(x.names()).expressionAttributeValues(x.values())).build();
        return new Transaction(List.of(seen(eventId, event, tenant, now), guard),
                List.of(TransactionOutcome.Item.SEEN_EVENT, TransactionOutcome.Item.GUARDED_CONNECTION),
                "older than the connection's last applied event: recorded, not applied", false);
    }

    private static String unchanged(Expression x, AttributeValue lastEvent) {
        return lastEvent == null
                ? "attribute_not_exists(" + x.name(Connections.LAST_EVENT_ID) + ")"
                : x.name(Connections.LAST_EVENT_ID) + " = " + x.value(lastEvent);
    }

    @Override
    public MemberRevocation revokeMembers(String tenant, String payerKey, String deleteEventId, long now,
                                          Deadline deadline) {
        if (!revokedWithAnOrganization(tenant, payerKey, deleteEventId)) {
            return MemberRevocation.done(0, null);
        }
        int revoked = 0;
        for (int round = 1; round <= MAX_REVOCATION_ROUNDS; round++) {
            List<String> members = activeMembers(tenant, payerKey);
            if (members.isEmpty()) {
                return MemberRevocation.done(revoked, null);
            }
            for (int from = 0; from < members.size(); from += MEMBERS_PER_TRANSACTION) {
                if (deadline.passed()) {
                    return MemberRevocation.unfinished(revoked, "time budget spent");
                }
                List<String> batch = members.subList(from, Math.min(members.size(), from + MEMBERS_PER_TRANSACTION));
                List<TransactWriteItem> items = new ArrayList<>();
                batch.forEach(member -> items.add(revocation(tenant, member, payerKey, now)));
                items.add(payerStillRevoked(tenant, payerKey, deleteEventId));
                try {
                    client.get().transactWriteItems(r -> r.transactItems(items));
                    revoked += batch.size();
                } catch (TransactionCanceledException e) {
                    List<String> codes = e.hasCancellationReasons()
                            ? e.cancellationReasons().stream().map(CancellationReason::code).toList() : List.of();
                    if (codes.size() == items.size()
                            && TransactionOutcome.CONDITIONAL_CHECK_FAILED.equals(codes.get(codes.size() - 1))) {
                        // The payer was connected again meanwhile: its members are no longer this delete's to revoke.
                        return MemberRevocation.done(revoked, "the payer connection changed during the revocation");
                    }
                    // A member changed or was busy: the next round reads the members again.
                }
            }
        }
        List<String> left = activeMembers(tenant, payerKey);
        return left.isEmpty() ? MemberRevocation.done(revoked, null)
                : MemberRevocation.unfinished(revoked, left.size() + " members still ACTIVE after "
                        + MAX_REVOCATION_ROUNDS + " rounds");
    }

    /** The payer item is REVOKED by this very delete, and its facts (from its last created/updated) name an organisation. */
    private boolean revokedWithAnOrganization(String tenant, String payerKey, String deleteEventId) {
        Expression x = new Expression();
        String projection = String.join(", ", x.name(Connections.STATUS), x.name(Connections.LAST_EVENT_ID),
                x.path(List.of(Connections.FACTS, Facts.ORGANIZATION)));
        Map<String, AttributeValue> payer = client.get().getItem(r -> r.tableName(tables.connections())
                .key(connectionKey(tenant, payerKey)).consistentRead(true).projectionExpression(projection)
                .expressionAttributeNames(x.names())).item();
        if (payer == null || !Connections.REVOKED.equals(text(payer.get(Connections.STATUS)))
                || !deleteEventId.equals(text(payer.get(Connections.LAST_EVENT_ID)))) {
            return false;
        }
        AttributeValue facts = payer.get(Connections.FACTS);
        return facts != null && facts.hasM() && facts.m().containsKey(Facts.ORGANIZATION);
    }

    /** The keys of the tenant's connections under {@code payerKey} that are not REVOKED yet. */
    private List<String> activeMembers(String tenant, String payerKey) {
        List<String> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Expression x = new Expression();
            String condition = x.name(Connections.TENANT) + " = " + x.value(s(tenant));
            String filter = x.name(Connections.ORGANIZATION_CONNECTION) + " = " + x.value(s(payerKey)) + " AND "
                    + x.name(Connections.STATUS) + " <> " + x.value(s(Connections.REVOKED));
            String projection = x.name(Connections.CONNECTION);
            Map<String, AttributeValue> from = start;
            QueryResponse page = client.get().query(r -> r.tableName(tables.connections()).consistentRead(true)
                    .keyConditionExpression(condition).filterExpression(filter).projectionExpression(projection)
                    .expressionAttributeNames(x.names()).expressionAttributeValues(x.values()).exclusiveStartKey(from));
            page.items().forEach(item -> out.add(text(item.get(Connections.CONNECTION))));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private TransactWriteItem revocation(String tenant, String member, String payerKey, long now) {
        Expression x = new Expression();
        String at = x.value(n(now));
        String update = "SET " + x.name(Connections.STATUS) + " = " + x.value(s(Connections.REVOKED)) + ", "
                + x.name(Connections.REVOKED_AT) + " = if_not_exists(" + x.name(Connections.REVOKED_AT) + ", " + at
                + "), " + x.name(Connections.UPDATED_AT) + " = " + at;
        String stillMember = x.name(Connections.ORGANIZATION_CONNECTION) + " = " + x.value(s(payerKey));
        return TransactWriteItem.builder().update(u -> u.tableName(tables.connections())
                .key(connectionKey(tenant, member)).updateExpression(update).conditionExpression(stillMember)
                .expressionAttributeNames(x.names()).expressionAttributeValues(x.values())).build();
    }

    private TransactWriteItem payerStillRevoked(String tenant, String payerKey, String deleteEventId) {
        Expression x = new Expression();
        String condition = x.name(Connections.STATUS) + " = " + x.value(s(Connections.REVOKED)) + " AND "
                + x.name(Connections.LAST_EVENT_ID) + " = " + x.value(s(deleteEventId));
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(tables.connections())
                .key(connectionKey(tenant, payerKey)).conditionExpression(condition)
                .expressionAttributeNames(x.names()).expressionAttributeValues(x.values())).build();
    }

    private static Map<String, AttributeValue> connectionKey(String tenant, String connection) {
        return Map.of(Connections.TENANT, s(tenant), Connections.CONNECTION, s(connection));
    }

    private Transaction delivery(String eventId, Map<String, Object> event, RecordingTarget target, long now) {
        DeliveryOwner.Match owner = target.owner();
        if (owner == null) {
            throw new IllegalArgumentException("a delivery is recorded only for the connection it belongs to");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) event.get("delivery");
        String tenant = target.tenant();
        String kind = (String) d.get("kind");
        Map<String, Object> last = new LinkedHashMap<>(d);
        last.put(Deliveries.TYPE, event.get("type"));
        last.put(Deliveries.EVENT_ID, eventId);
        last.put(Deliveries.RECEIVED_AT, now);

        Expression x = new Expression();
        String delivery = x.value(value(last));
        String at = x.value(n(now));
        String update = "SET " + x.name(Deliveries.LAST_DELIVERY) + " = " + delivery + ", "
                + x.name(Deliveries.UPDATED_AT) + " = " + at;
        if (event.get("type").equals("delivery.completed")) {
            update += ", " + x.name(Deliveries.LAST_VALID_DELIVERY) + " = " + delivery + ", "
                    + x.name(Deliveries.LAST_VALID_AT) + " = " + at;
        }
        String finalUpdate = update;
        TransactWriteItem effect = TransactWriteItem.builder().update(u -> u.tableName(tables.deliveries())
                .key(Map.of(Deliveries.TENANT_ACCOUNT, s(Deliveries.partitionKey(tenant, (String) event.get("accountId"))),
                        Deliveries.EXPORT, s(Deliveries.exportKey(kind, (String) d.get(EventShape.nameField(kind))))))
                .updateExpression(finalUpdate)
                .expressionAttributeNames(x.names()).expressionAttributeValues(x.values())).build();

        Expression g = new Expression();
        List<String> conditions = new ArrayList<>();
        for (DeliveryOwner.Reliance r : owner.reliances()) {
            conditions.add(r.value() == null ? "attribute_not_exists(" + g.path(r.path()) + ")"
                    : g.path(r.path()) + " = " + g.value(s(r.value())));
        }
        TransactWriteItem guard = TransactWriteItem.builder().conditionCheck(c -> c.tableName(tables.connections())
                .key(Map.of(Connections.TENANT, s(tenant), Connections.CONNECTION, s(owner.connectionKey())))
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(g.names()).expressionAttributeValues(g.values())).build();
        return new Transaction(List.of(seen(eventId, event, tenant, now), effect, guard),
                List.of(TransactionOutcome.Item.SEEN_EVENT, TransactionOutcome.Item.EFFECT,
                        TransactionOutcome.Item.GUARDED_CONNECTION));
    }

    static AttributeValue historyEntry(String type, String eventId, long at) {
        Map<String, AttributeValue> entry = new LinkedHashMap<>();
        entry.put(Connections.HISTORY_TYPE, s(type));
        entry.put(Connections.HISTORY_EVENT_ID, s(eventId));
        entry.put(Connections.HISTORY_AT, n(at));
        return AttributeValue.fromM(entry);
    }

    /** The newest {@code limit} entries of the history with {@code entry} appended. */
    static List<AttributeValue> boundedHistory(List<AttributeValue> history, AttributeValue entry, int limit) {
        List<AttributeValue> all = new ArrayList<>(history);
        all.add(entry);
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    static AttributeValue value(Object o) {
        if (o == null) {
            return AttributeValue.fromNul(true);
        }
        if (o instanceof String str) {
            return s(str);
        }
        if (o instanceof Number num) {
            return AttributeValue.fromN(num.toString());
        }
        if (o instanceof Boolean b) {
            return AttributeValue.fromBool(b);
        }
        if (o instanceof List<?> list) {
            List<AttributeValue> out = new ArrayList<>();
            list.forEach(x -> out.add(value(x)));
            return AttributeValue.fromL(out);
        }
        if (o instanceof Map<?, ?> map) {
            Map<String, AttributeValue> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
            return AttributeValue.fromM(out);
        }
        return s(o.toString());
    }

    /** The plain value of an attribute: strings, numbers, booleans, lists and maps (sets and binaries as null). */
    static Object plain(AttributeValue v) {
        if (v == null) {
            return null;
        }
        if (v.s() != null) {
            return v.s();
        }
        if (v.n() != null) {
            return new BigDecimal(v.n());
        }
        if (v.bool() != null) {
            return v.bool();
        }
        if (v.hasM()) {
            Map<String, Object> out = new LinkedHashMap<>();
            v.m().forEach((k, x) -> out.put(k, plain(x)));
            return out;
        }
        if (v.hasL()) {
            List<Object> out = new ArrayList<>();
            v.l().forEach(x -> out.add(plain(x)));
            return out;
        }
        return null;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static String text(AttributeValue v) {
        return v == null ? null : v.s();
    }
}
