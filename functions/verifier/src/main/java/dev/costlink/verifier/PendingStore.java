package dev.costlink.verifier;

import java.time.Instant;

/** Where the role proof reads PENDING connections and moves them on: the registry (dev.costlink.verifier.Registry). */
public interface PendingStore {
    /** The connection when it is PENDING and its tenant exists, else null (ACTIVE, REVOKED, gone). */
    PendingConnection pending(String tenantId, String key);

    /**
     * One conditional update PENDING to ACTIVE: only while the connection is still PENDING, from the same connection
     * event ({@code lastEventId}) and not held for approval; sets the proof time and removes the pending reason.
     *
     * @return false when the connection changed since it was read (nothing is written then)
     */
    boolean activate(PendingConnection c, Instant provedAt);

    /**
     * Keeps the connection PENDING with {@code reason} and the time of this try, under the same conditions as
     * {@link #activate}; false when it changed since it was read (nothing is written then).
     */
    boolean unproved(PendingConnection c, String reason, Instant triedAt);
}
