package dev.costlink.detector;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.costlink.common.CallbackUrl;
import dev.costlink.common.Deadline;
import dev.costlink.common.EventSigner;
import dev.costlink.common.IdentityProofSigner;
import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import dev.costlink.common.Metrics;
import dev.costlink.common.VendorClient;
import dev.costlink.common.VendorOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S3 / EventBridge "object created" events in; one signed delivery.completed or delivery.invalid event per complete
 * delivery out. If the vendor cannot be told, the invocation fails so that Lambda retries it and, after its retries,
 * sends the event to the on-failure destination: a delivery is never silently dropped. A delivery overwritten while
 * it is read is not told (it is no longer the delivery the manifest describes): the refresh overwriting it writes the
 * manifest last, and that write invokes the detector again.
 */
public final class DeliveryDetectorHandler implements RequestStreamHandler {
    private static final JsonLog LOG = new JsonLog("delivery-detector");
    private static final Metrics METRICS = new Metrics(LOG);
    private static final long VENDOR_RESERVE_MILLIS = 3_000;

    private final Map<String, String> env;
    private final Clock clock;
    private volatile DetectorConfig config;
    /** Delivery events carry the proof of origin only: the detector holds no ExternalId to sign an HMAC with. */
    private volatile EventSigner proofOfOrigin;
    private final VendorClient vendor = new VendorClient("CostLink-DeliveryDetector/1");

    public DeliveryDetectorHandler() {
        this(System.getenv(), Clock.systemUTC());
    }

    DeliveryDetectorHandler(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LOG.requestId(context.getAwsRequestId());
        DetectorConfig cfg = config();
        List<ObjectCreated> notices;
        try {
            notices = ObjectCreated.parse(input.readAllBytes());
        } catch (IllegalArgumentException e) {
            LOG.error("malformed event: kept for the on-failure destination", "error", e.getMessage());
            throw e;
        }
        DeliveryRecognizer recognizer = new DeliveryRecognizer(cfg.prefixes());
        String[] arn = context.getInvokedFunctionArn().split(":");
        List<Map<String, Object>> summary = new ArrayList<>();
        List<String> undelivered = new ArrayList<>();
        int ignored = 0;
        for (ObjectCreated notice : notices) {
            if (!notice.bucket().equals(cfg.bucket())) {
                LOG.warn("event for another bucket ignored", "bucket", notice.bucket());
                ignored++;
                continue;
            }
            var ref = recognizer.recognize(notice.bucket(), notice.key(),
                    why -> LOG.debug("object ignored", "key", notice.key(), "reason", why.reason()));
            if (ref.isEmpty()) {
                ignored++;
                continue;
            }
            S3ObjectStore store = new S3ObjectStore();
            DeliveryReport report = new DeliveryValidator(store, cfg.concurrency()).validate(ref.get());
            countWork(report, store.bytesRead());
            if (report.outcome() == DeliveryReport.Outcome.CHANGED) {
                LOG.warn("delivery changed during validation: not reported; the refresh replacing it writes its "
                        + "manifest again, which brings the delivery back", "kind", report.ref().kind().name(),
                        "manifestKey", ref.get().manifestKey(), "changedFiles", report.changedFiles().size(),
                        "firstChangedFile", report.changedFiles().get(0), "bytesRead", store.bytesRead());
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("manifestKey", ref.get().manifestKey());
                line.put("skipped", "changed during validation");
                summary.add(line);
                continue;
            }
            String type = DeliveryEvent.type(report);
            String id = DeliveryEvent.idempotencyKey(report);
            byte[] body = DeliveryEvent.body(report, id, clock.instant(), cfg.stackId(), arn[4], arn[1], arn[3]);
            Deadline deadline = Deadline.in(Math.max(0, context.getRemainingTimeInMillis() - VENDOR_RESERVE_MILLIS));
            VendorOutcome outcome = vendor.post(cfg.callbackUrl(), proofOfOrigin, id, body, deadline, true);
            LOG.info("delivery checked", "type", type, "eventId", id, "kind", report.ref().kind().name(),
                    "manifestKey", ref.get().manifestKey(), "files", report.fileCount(), "rows", report.totalRows(),
                    "bytes", report.totalBytes(), "problems", report.problems().size(), "bytesRead", store.bytesRead(),
                    "vendor", CallbackUrl.redacted(cfg.callbackUrl()), "outcome", outcome.kind().name(),
                    "httpStatus", outcome.status(), "attempts", outcome.attempts());
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("eventId", id);
            line.put("type", type);
            line.put("manifestKey", ref.get().manifestKey());
            line.put("vendor", outcome.kind().name());
            summary.add(line);
            if (outcome.delivered()) {
                countTold(report);
            } else {
                undelivered.add(ref.get().manifestKey() + ": " + outcome.describe());
            }
        }
        if (!undelivered.isEmpty()) {
            throw new IllegalStateException("vendor not told of " + undelivered.size() + " deliver"
                    + (undelivered.size() == 1 ? "y" : "ies") + " (" + String.join("; ", undelivered)
                    + "); Lambda retries, then the on-failure destination keeps the event");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("deliveries", summary);
        result.put("ignored", ignored);
        output.write(Json.write(result));
    }

    /** Every validation's work, told or not (metrics.json: DeliveryFilesValidated, DeliveryBytesRead). */
    private static void countWork(DeliveryReport report, long bytesRead) {
        emit(Map.of(), Map.of("DeliveryFilesValidated", report.fileCount(), "DeliveryBytesRead", bytesRead));
    }

    /**
     * A delivery the vendor took, by kind: counted once told, so Lambda's retries of an invocation the vendor missed
     * do not count it again (a parked one counts when it is replayed).
     */
    private static void countTold(DeliveryReport report) {
        emit(Map.of("Kind", report.ref().kind().name()),
                Map.of(report.valid() ? "DeliveriesCompleted" : "DeliveriesInvalid", 1));
    }

    private static void emit(Map<String, String> dimensions, Map<String, ? extends Number> values) {
        try {
            METRICS.emit(dimensions, values);
        } catch (RuntimeException e) {
            // A metric never changes what happens to a delivery.
            LOG.error("metric not emitted", "error", e.getClass().getSimpleName());
        }
    }

    private DetectorConfig config() {
        DetectorConfig c = config;
        if (c == null) {
            try {
                c = DetectorConfig.from(env);
            } catch (RuntimeException e) {
                LOG.error("configuration error", "error", e.getMessage());
                throw e;
            }
            proofOfOrigin = IdentityProofSigner.forLambda(c.callbackUrl());
            config = c;
        }
        return c;
    }
}
