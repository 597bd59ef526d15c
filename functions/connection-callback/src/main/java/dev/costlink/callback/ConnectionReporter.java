package dev.costlink.callback;

import dev.costlink.common.CallbackUrl;
import dev.costlink.common.Deadline;
import dev.costlink.common.EventSigner;
import dev.costlink.common.IdentityProofSigner;
import dev.costlink.common.JsonLog;
import dev.costlink.common.VendorClient;
import dev.costlink.common.VendorOutcome;
import java.net.URI;
import java.time.Clock;
import java.util.function.Function;

/**
 * Tells the vendor about one request: Create and Update report the connection with retries until the deadline, Delete
 * makes one best-effort notice. It only says what happened; {@link AnswerPolicy} decides what CloudFormation hears.
 */
public final class ConnectionReporter {
    /** The longest the event of an organisation's Create or Update waits for DescribeOrganization. */
    static final long MAX_ORGANIZATION_WAIT_MILLIS = 3_000;

    private final VendorClient vendor;
    private final Function<URI, EventSigner> proofOfOrigin;
    private final Clock clock;
    private final JsonLog log;

    /** {@code proofOfOrigin} makes the proof signer for a callback URL ({@link IdentityProofSigner#forLambda}). */
    public ConnectionReporter(VendorClient vendor, Function<URI, EventSigner> proofOfOrigin, Clock clock, JsonLog log) {
        this.vendor = vendor;
        this.proofOfOrigin = proofOfOrigin;
        this.clock = clock;
        this.log = log;
    }

    /**
     * {@code workDeadline} bounds Create/Update retries; {@code deleteBudgetMillis} bounds the Delete notice. A Create
     * or Update of an organisation waits for {@code organization} at most {@link #MAX_ORGANIZATION_WAIT_MILLIS}.
     */
    Outcome handle(ConnectionRequest request, OrganizationLookup organization, Deadline workDeadline,
                   long deleteBudgetMillis) {
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
        OrganizationIdentity identity = organization.identity(workDeadline.capped(MAX_ORGANIZATION_WAIT_MILLIS), log);
        VendorOutcome outcome = post(request, eventType, identity, workDeadline, true);
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
        // The registry revokes with the facts it holds: a notice needs no organisation lookup.
        VendorOutcome outcome = post(request, ConnectionEvent.DELETED, null, deadline, false);
        log.info("vendor delete notice finished", "eventId", request.eventId(),
                "connectionId", request.physicalResourceId(), "outcome", outcome.kind().name(),
                "httpStatus", outcome.status());
        return outcome.delivered() ? Outcome.told() : Outcome.notTold(outcome.describe());
    }

    private VendorOutcome post(ConnectionRequest request, String eventType, OrganizationIdentity identity,
                               Deadline deadline, boolean retry) {
        ConnectionProperties props = request.properties();
        byte[] body = ConnectionEvent.body(eventType, clock.instant(), request, identity);
        // The HMAC binds the event to the tenant's ExternalId; the proof says AWS's word on who sent it.
        EventSigner signer = EventSigner.hmac(props.externalId()).and(proofOfOrigin.apply(props.callbackUrl()));
        return vendor.post(props.callbackUrl(), signer, request.eventId(), body, deadline, retry);
    }
}
