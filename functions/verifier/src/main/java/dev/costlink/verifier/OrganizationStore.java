package dev.costlink.verifier;

import java.time.Instant;
import java.util.List;

/** The registry as the organisation's bookkeeping uses it: members under their payer, and the payer's coverage. */
public interface OrganizationStore {
    /** What became of a member change. */
    enum Applied {
        APPLIED,
        /**
         * Not applied: the key belongs to a connection that is not this payer's member, or a later run already
         * changed the member (a late message).
         */
        NOT_MINE,
        /** An ACTIVATE while the payer connection is no longer ACTIVE (its stack was deleted meanwhile): not applied. */
        PAYER_GONE
    }

    /** Every connection of the tenant (strongly consistent), with what the organisation's bookkeeping needs. */
    List<TenantConnection> connectionsOf(String tenantId);

    /**
     * Applies one member change: ACTIVATE creates the member or makes it ACTIVE again, only while the payer connection
     * is ACTIVE; REFRESH updates its account's name and state; PARK makes it (created if needed) REVOKED with its
     * account's state; DEPART makes it REVOKED, state LEFT.
     */
    Applied apply(MemberRequest change, Instant now);

    CoverageState coverageOf(Connection payer);

    /**
     * Records the coverage of the run {@code asOf}, only if the payer is ACTIVE, no later run recorded one, and no
     * organisation event is pending; with {@code event}, keeps it as pending until {@link #coveragePublished}.
     *
     * @return false when another run recorded first (this result is then dropped)
     */
    boolean recordCoverage(Connection payer, Coverage coverage, Instant asOf, Instant publishedAt, HealthEvent event);

    void coveragePublished(Connection payer, String eventId);

    /** The payer no longer has an organisation: forget its coverage (its members' departures are queued first). */
    void forgetCoverage(Connection payer);
}
