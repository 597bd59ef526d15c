package dev.costlink.verifier;

import java.time.Instant;
import java.util.Objects;

/**
 * One connection's PENDING state in memory, with the registry's condition for both writes (still PENDING, from the
 * same connection event, not held): status, event, approval, reason and the two proof times.
 */
final class InMemoryPendingStore implements PendingStore {
    String tenantId = Fixtures.TENANT.id();
    String key = "111122223333#arn:aws:iam::111122223333:role/CostLink";
    String status = "PENDING";
    String lastEventId = "evt-created";
    boolean held;
    String reason = "the vendor has not yet assumed the role";
    Instant provedAt;
    Instant triedAt;
    /** Runs between the read and the write: another writer, for races. */
    Runnable beforeWrite = () -> {};
    int writes;

    @Override
    public PendingConnection pending(String tenantId, String key) {
        if (!"PENDING".equals(status) || !this.tenantId.equals(tenantId) || !this.key.equals(key)) {
            return null;
        }
        return new PendingConnection(tenantId, key, "arn:aws:iam::111122223333:role/CostLink",
                Fixtures.TENANT.externalId(), lastEventId, held);
    }

    @Override
    public boolean activate(PendingConnection c, Instant at) {
        if (!unchanged(c)) {
            return false;
        }
        status = "ACTIVE";
        provedAt = at;
        triedAt = at;
        reason = null;
        return true;
    }

    @Override
    public boolean unproved(PendingConnection c, String why, Instant at) {
        if (!unchanged(c)) {
            return false;
        }
        reason = why;
        triedAt = at;
        return true;
    }

    private boolean unchanged(PendingConnection c) {
        beforeWrite.run();
        writes++;
        return "PENDING".equals(status) && Objects.equals(lastEventId, c.lastEventId()) && !held;
    }
}
