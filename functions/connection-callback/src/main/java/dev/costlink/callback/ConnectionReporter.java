package dev.costlink.callback;

import dev.costlink.common.CallbackUrl;
import dev.costlink.common.Deadline;
import dev.costlink.common.JsonLog;
import dev.costlink.common.VendorClient;
import dev.costlink.common.VendorOutcome;
import java.time.Clock;

/**
 * Tells the vendor about one request: Create and Update report the connection with retries until the deadline, Delete
 * makes one best-effort notice. It only says what happened; {@link AnswerPolicy} decides what CloudFormation hears.
 */
public final class ConnectionReporter {
    private final VendorClient vendor;
    private final Clock clock;
    private final JsonLog log;

    public ConnectionReporter(VendorClient vendor, Clock clock, JsonLog log) {
        this.vendor = vendor;
        this.clock = clock;
        this.log = log;
    }

    /** {@code workDeadline} bounds Create/Update retries; {@code deleteBudgetMillis} bounds the Delete notice. */
    Outcome handle(ConnectionRequest request, Deadline workDeadline, long deleteBudgetMillis) {
        if (request.type().equals("Delete")) {
            return notifyDeleted(request, workDeadline.capped(deleteBudgetMillis));
        }
        if (!request.valid()) {
            return Outcome.invalid(request.problem());
        }
        CustomResourceRequest cfn = request.request();
        String connectionId = request.physicalResourceId();
        String eventType = request.type().equals("Update") && connectionId.equals(cfn.physicalResourceId())
                ? ConnectionEvent.UPDATED : ConnectionEvent.CREATED;
        VendorOutcome outcome = post(request, eventType, workDeadline, true);
        log.info("vendor callback finished", "event", eventType, "eventId", request.eventId(),
                "connectionId", connectionId, "vendor", CallbackUrl.redacted(request.properties().callbackUrl()),
                "outcome", outcome.kind().name(), "httpStatus", outcome.status(), "attempts", outcome.attempts());
        return outcome.delivered() ? Outcome.told()
                : Outcome.notTold("Could not report the connection to the vendor: " + outcome.describe());
    }

    private Outcome notifyDeleted(ConnectionRequest request, Deadline deadline) {
        if (!Identifiers.isReportedConnection(request.request().physicalResourceId())) {
            log.info("delete of a resource this function never reported: nothing to tell the vendor",
                    "physicalResourceId", request.physicalResourceId());
            return Outcome.notTold("never reported");
        }
        if (!request.valid()) {
            log.warn("delete notice not sent; the stack deletes anyway", "problem", request.problem());
            return Outcome.invalid(request.problem());
        }
        VendorOutcome outcome = post(request, ConnectionEvent.DELETED, deadline, false);
        log.info("vendor delete notice finished", "eventId", request.eventId(),
                "connectionId", request.physicalResourceId(), "outcome", outcome.kind().name(),
                "httpStatus", outcome.status());
        return outcome.delivered() ? Outcome.told() : Outcome.notTold(outcome.describe());
    }

    private VendorOutcome post(ConnectionRequest request, String eventType, Deadline deadline, boolean retry) {
        ConnectionProperties props = request.properties();
        byte[] body = ConnectionEvent.body(eventType, request.eventId(), clock.instant(), props, request.stack(),
                request.request().stackId());
        return vendor.post(props.callbackUrl(), props.externalId(), request.eventId(), body, deadline, retry);
    }
}
