package dev.costlink.verifier;

import java.time.Instant;
import java.util.List;

/**
 * One connection's registry record in memory, with the registry's conditions (record only when the last check time
 * is the one loaded and nothing is pending; clear the pending event only when it is still the one published), and
 * failures to inject.
 */
final class InMemoryHealthStore implements HealthStore {
    Connection stored;
    List<Check> checks;
    RuntimeException failRecord;
    RuntimeException failPublished;
    /** Runs between load and record: another run's write, for races. */
    Runnable beforeRecord = () -> {};
    int records;

    InMemoryHealthStore(Connection c) {
        this.stored = c;
    }

    HealthState health() {
        return stored.health();
    }

    @Override
    public Connection load(String tenantId, String key) {
        return stored != null && stored.tenant().id().equals(tenantId) && stored.key().equals(key) ? stored : null;
    }

    /** What the detector reported, as the registry would return it. */
    DeliveryReports reported = new DeliveryReports(List.of());

    @Override
    public DeliveryReports deliveries(Connection c) {
        return reported;
    }

    @Override
    public boolean record(Connection c, HealthStatus status, List<Check> checks, Instant asOf, HealthEvent event) {
        beforeRecord.run();
        if (failRecord != null) {
            throw failRecord;
        }
        HealthState now = stored.health();
        if (now.pending() != null || !java.util.Objects.equals(now.checkedAt(), c.health().checkedAt())) {
            return false;
        }
        records++;
        this.checks = checks;
        Instant second = Instant.ofEpochSecond(asOf.getEpochSecond());
        set(new HealthState(status, second, event != null ? second : now.publishedAt(), event));
        return true;
    }

    @Override
    public void published(Connection c, String eventId) {
        if (failPublished != null) {
            throw failPublished;
        }
        HealthState now = stored.health();
        if (now.pending() != null && now.pending().eventId().equals(eventId)) {
            set(new HealthState(now.status(), now.checkedAt(), now.publishedAt(), null));
        }
    }

    void set(HealthState health) {
        stored = new Connection(stored.tenant(), stored.key(), stored.id(), stored.accountId(), stored.roleArn(),
                stored.registeredAt(), stored.billing(), health, stored.organization());
    }
}
