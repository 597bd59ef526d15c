package dev.costlink.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.costlink.common.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/** The registry endpoint behind a Lambda function URL: signed callback events in, registry records out. */
public final class RegistryHandler implements RequestStreamHandler {
    private static final JsonLog LOG = new JsonLog("registry-endpoint");
    private volatile EventReceiver receiver;

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LOG.requestId(context.getAwsRequestId());
        HttpExchange.Response response;
        try {
            HttpExchange.Request request = HttpExchange.Request.parse(input.readAllBytes());
            response = receiver().receive(request);
        } catch (IllegalArgumentException e) {
            // The parser's message could quote the request: say what is wrong, not what was sent.
            response = HttpExchange.Response.of(400, "error", "not a function URL request");
        } catch (RuntimeException e) {
            // The receiver answers its own failures; this is its construction (configuration) failing.
            LOG.error("registry failure", "error", e.getClass().getSimpleName(), "detail", e.getMessage());
            response = HttpExchange.Response.of(503, "error", "registry temporarily unavailable");
        }
        if (response.status() >= 400) {
            LOG.info("request refused", "status", response.status(), "reason", response.body().get("error"));
        }
        output.write(response.toLambdaResult());
    }

    private EventReceiver receiver() {
        EventReceiver r = receiver;
        if (r == null) {
            r = new EventReceiver(new DynamoRegistryStore(DynamoRegistryStore.Tables.from(System.getenv())),
                    Clock.systemUTC(), LOG);
            receiver = r;
        }
        return r;
    }
}
