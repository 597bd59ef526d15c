package dev.costlink.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.costlink.common.JsonLog;
import dev.costlink.common.Lazy;
import dev.costlink.common.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/**
 * The registry endpoint behind a Lambda function URL: events proven by AWS identity in, registry records out. Every request,
 * readable or not, is answered (and counted) by {@link EventReceiver}; the store and its configuration are made on the
 * first request that needs them, so a missing table name is a 503 answered like any other failure.
 */
public final class RegistryHandler implements RequestStreamHandler {
    private static final JsonLog LOG = new JsonLog("registry-endpoint");
    private static final EventReceiver RECEIVER = new EventReceiver(
            new Lazy<>(() -> new DynamoRegistryStore(DynamoRegistryStore.Tables.from(System.getenv()))),
            IdentityProofCheck.from(System.getenv()), new HttpStsReplay(),
            new SqsVerificationRequests(System.getenv(SqsVerificationRequests.QUEUE_ENV), Clock.systemUTC(), LOG),
            Clock.systemUTC(), LOG, new Metrics(LOG));

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LOG.requestId(context.getAwsRequestId());
        output.write(RECEIVER.receive(input.readAllBytes()).toLambdaResult());
    }
}
