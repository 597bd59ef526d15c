package dev.costlink.callback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.costlink.common.Deadline;
import dev.costlink.common.IdentityProofSigner;
import dev.costlink.common.JsonLog;
import dev.costlink.common.VendorClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The connection callback custom resource. It always answers CloudFormation: the properties are read on this thread
 * before any I/O, the vendor call runs on a worker thread (beside the stack-status lookup of an Update and the
 * organisation lookup of a payer with the organisation option) while this thread guards the deadline, and whatever
 * happened - told, not told, timed out, failed, invalid - becomes an answer through {@link AnswerPolicy}.
 */
public final class ConnectionCallbackHandler implements RequestStreamHandler {
    /** Time kept back from the work for the PUT to ResponseURL and its retries. */
    static final long MAX_RESPONSE_RESERVE_MILLIS = 8_000;
    static final long DELETE_BUDGET_MILLIS = 5_000;
    /** Time the vendor work leaves the guard, so that a finished call is never mistaken for a hang. */
    static final long GUARD_MARGIN_MILLIS = 500;
    /** The longest an answer waits for a stack-status lookup still under way when the vendor is done. */
    static final long MAX_ROLLBACK_WAIT_MILLIS = 10_000;

    private static final JsonLog LOG = new JsonLog("connection-callback");
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "connection-callback-worker");
        t.setDaemon(true);
        return t;
    });

    private final ConnectionReporter reporter;
    private final StackStatus stackStatus;
    private final OrganizationDirectory organizations;
    private final ResponseSender sender;

    public ConnectionCallbackHandler() {
        this(new ConnectionReporter(new VendorClient("CostLink-ConnectionCallback/1"),
                        IdentityProofSigner::forLambda, Clock.systemUTC(), LOG),
                new CloudFormationStackStatus(), new AwsOrganizationDirectory(), new ResponseSender());
    }

    ConnectionCallbackHandler(ConnectionReporter reporter, StackStatus stackStatus, OrganizationDirectory organizations,
                              ResponseSender sender) {
        this.reporter = reporter;
        this.stackStatus = stackStatus;
        this.organizations = organizations;
        this.sender = sender;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LOG.requestId(context.getAwsRequestId());
        CustomResourceRequest request;
        try {
            request = CustomResourceRequest.parse(input.readAllBytes());
        } catch (CustomResourceRequest.UnanswerableRequestException e) {
            LOG.error("cannot answer this event", "error", e.getMessage());
            throw e;
        }
        long remaining = context.getRemainingTimeInMillis();
        long reserve = Math.min(MAX_RESPONSE_RESERVE_MILLIS, Math.max(1_000, remaining / 5));
        Deadline guard = Deadline.in(Math.max(0, remaining - reserve));
        LOG.info("request received", "requestType", request.requestType(), "logicalResourceId",
                request.logicalResourceId(), "stackId", request.stackId(), "cfnRequestId", request.requestId(),
                "physicalResourceId", request.physicalResourceId());

        CfnResponse response = answer(request, guard);
        byte[] body = response.body(request);
        ResponseSender.Result sent = sender.send(request.responseUrl(), body,
                Deadline.in(Math.max(0, context.getRemainingTimeInMillis() - 200)));
        LOG.info("response sent to CloudFormation", "status", response.success() ? "SUCCESS" : "FAILED",
                "physicalResourceId", response.physicalResourceId(), "reason", response.reason(),
                "callbackStatus", response.data().get("CallbackStatus"),
                "delivered", sent.delivered(), "attempts", sent.attempts(), "detail", sent.detail());
        if (!sent.delivered()) {
            // An invocation error makes Lambda retry the event; the idempotency key keeps the vendor event single.
            throw new IllegalStateException("could not deliver the response to ResponseURL: " + sent.detail());
        }
        output.write(body);
    }

    private CfnResponse answer(CustomResourceRequest cfn, Deadline guard) {
        ConnectionRequest request = ConnectionRequest.read(cfn);
        RollbackCheck rollback = cfn.requestType().equals("Update")
                ? RollbackCheck.start(stackStatus, cfn.stackId(), WORKERS) : RollbackCheck.NOT_AN_UPDATE;
        OrganizationLookup organization = OrganizationLookup.startFor(request, organizations, WORKERS);
        Outcome outcome = work(request, organization, guard);
        return AnswerPolicy.answer(request, outcome,
                () -> rollback.rollingBackOrUnknown(guard.capped(MAX_ROLLBACK_WAIT_MILLIS), LOG));
    }

    /** The vendor call under the guard: a hang or a Throwable becomes "not told", never a missing answer. */
    private Outcome work(ConnectionRequest request, OrganizationLookup organization, Deadline guard) {
        Deadline workDeadline = Deadline.in(guard.remainingMillis() - GUARD_MARGIN_MILLIS);
        CompletableFuture<Outcome> task = CompletableFuture.supplyAsync(
                () -> reporter.handle(request, organization, workDeadline, DELETE_BUDGET_MILLIS), WORKERS);
        try {
            return task.get(guard.remainingMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.error("work did not finish before the deadline guard");
            return Outcome.notTold("Connection callback timed out before the function's deadline");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            // The class and where it was thrown; a message could quote the input.
            StackTraceElement[] trace = cause.getStackTrace();
            LOG.error("work failed", "error", cause.getClass().getName(),
                    "at", trace.length > 0 ? trace[0].toString() : null);
            return Outcome.notTold("Connection callback failed: " + cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.notTold("Connection callback was interrupted");
        }
    }
}
