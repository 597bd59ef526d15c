package dev.costlink.verifier;

import dev.costlink.common.JsonLog;
import java.time.Clock;

/**
 * Applies one member change a payer's run queued ({@link MemberRequest}), and verifies a member it activates for that
 * run, the way any connection is verified ({@link VerificationWorker}: record first, no event of its own). A repeated
 * message applies the same change again (the same values) and finds the verification recorded.
 */
public final class MemberStep {
    private final OrganizationStore store;
    private final VerificationWorker worker;
    private final Clock clock;
    private final JsonLog log;

    public MemberStep(OrganizationStore store, VerificationWorker worker, Clock clock, JsonLog log) {
        this.store = store;
        this.worker = worker;
        this.clock = clock;
        this.log = log;
    }

    /** What became of the change, and of the verification that follows an activation. */
    public String handle(MemberRequest r) {
        OrganizationStore.Applied applied = store.apply(r, clock.instant());
        if (applied != OrganizationStore.Applied.APPLIED) {
            log.info("member change not applied", "change", r.describe(), "why", applied.name());
            return applied.name();
        }
        if (r.change() != MemberRequest.Change.ACTIVATE) {
            return applied.name();
        }
        return worker.handle(new VerificationRequest(r.tenant(), r.member().key(), r.asOf())).name();
    }
}
