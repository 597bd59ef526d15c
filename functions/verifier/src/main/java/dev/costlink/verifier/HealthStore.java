package dev.costlink.verifier;

import java.time.Instant;
import java.util.List;

/** Where the verifier reads connections and keeps their health: the registry (dev.costlink.verifier.Registry). */
public interface HealthStore {
    /** The connection and its tenant, or null when either is gone or the connection is not ACTIVE. */
    Connection load(String tenantId, String key);

    /** Every export's last delivery the registry holds for the connection's tenant and account. */
    DeliveryReports deliveries(Connection c);

    /**
     * Records a verification, only if no other run recorded one since {@code c} was loaded and no event is pending;
     * with {@code event}, also moves the last-published time and keeps the event as pending until {@link #published}.
     *
     * @return false when another run recorded first (this run's result is then dropped)
     */
    boolean record(Connection c, HealthStatus status, List<Check> checks, Instant asOf, HealthEvent event);

    /** The event is published: forget it as pending (unless another event replaced it meanwhile). */
    void published(Connection c, String eventId);
}
