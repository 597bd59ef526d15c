package dev.costlink.callback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.costlink.common.Deadline;
import dev.costlink.common.JsonLog;
import dev.costlink.common.VendorClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The connection callback custom resource. It always answers CloudFormation: the work runs on a worker thread while
 * this thread guards the deadline, so a hang, an exception or an Error still becomes a FAILED answer in time.
 */
public final class ConnectionCallbackHandler implements RequestStreamHandler {
    /** Time kept back from the work for the PUT to ResponseURL and its retries. */
    static final long MAX_RESPONSE_RESERVE_MILLIS = 8_000;
    static final long DELETE_BUDGET_MILLIS = 5_000;

    private static final JsonLog LOG = new JsonLog("connection-callback");
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "connection-callback-worker");
        t.setDaemon(true);
        return t;
    });

    private final ConnectionReporter reporter;
    private final ResponseSender sender;

    public ConnectionCallbackHandler() {
        this(new ConnectionReporter(new VendorClient("CostLink-ConnectionCallback/1"), new CloudFormationStackStatus(),
                Clock.systemUTC(), LOG), new ResponseSender());
    }

    ConnectionCallbackHandler(ConnectionReporter reporter, ResponseSender sender) {
        this.reporter = reporter;
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
        long guardMillis = Math.max(0, remaining - reserve);
        LOG.info("request received", "requestType", request.requestType(), "logicalResourceId",
                request.logicalResourceId(), "stackId", request.stackId(), "cfnRequestId", request.requestId(),
                "physicalResourceId", request.physicalResourceId());

        CfnResponse response = answer(request, guardMillis);
        byte[] body = response.body(request);
        ResponseSender.Result sent = sender.send(request.responseUrl(), body,
                Deadline.in(Math.max(0, context.getRemainingTimeInMillis() - 200)));
        LOG.info("response sent to CloudFormation", "status", response.success() ? "SUCCESS" : "FAILED",
                "physicalResourceId", response.physicalResourceId(), "reason", response.reason(),
                "delivered", sent.delivered(), "attempts", sent.attempts(), "detail", sent.detail());
        if (!sent.delivered()) {
            // An invocation error makes Lambda retry the event; the idempotency key keeps the vendor event single.
            throw new IllegalStateException("could not deliver the response to ResponseURL: " + sent.detail());
        }
        output.write(body);
    }

    private CfnResponse answer(CustomResourceRequest request, long guardMillis) {
        Deadline work = Deadline.in(Math.max(0, guardMillis - 500));
        CompletableFuture<CfnResponse> task = CompletableFuture.supplyAsync(
                () -> reporter.handle(request, work, DELETE_BUDGET_MILLIS), WORKERS);
        String fallbackId = request.physicalResourceId() != null ? request.physicalResourceId()
                : Identifiers.unreportedId(request.stackId(), request.logicalResourceId());
        try {
            return task.get(guardMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.error("work did not finish before the deadline guard", "guardMillis", guardMillis);
            return request.requestType().equals("Delete")
                    ? CfnResponse.success(fallbackId, Map.of())
                    : CfnResponse.failed(fallbackId, "Connection callback timed out before the function's deadline");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.error("work failed", "error", cause.getClass().getName(), "detail", cause.getMessage());
            return request.requestType().equals("Delete")
                    ? CfnResponse.success(fallbackId, Map.of())
                    : CfnResponse.failed(fallbackId, "Connection callback failed: " + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CfnResponse.failed(fallbackId, "Connection callback was interrupted");
        }
    }
}
