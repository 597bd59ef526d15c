package dev.costlink.detector;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body of a delivery.* event (docs/callback-contract.md), and its idempotency key. */
public final class DeliveryEvent {
    public static final String COMPLETED = "delivery.completed";
    public static final String INVALID = "delivery.invalid";
    static final int MAX_PROBLEMS = 50;

    private DeliveryEvent() {}

    /**
     * One logical delivery: the export's run (executionId, or assemblyId for CUR 1.0) when the manifest names it, so
     * the two manifests of a create-new CUR 2.0 run are one event; otherwise the manifest's key and ETag.
     */
    public static String idempotencyKey(DeliveryReport r) {
        DeliveryRef ref = r.ref();
        String identity = r.runId() != null
                ? ref.kind() + "\n" + ref.exportRoot() + "\n" + r.runId()
                : ref.manifestKey() + "\n" + r.manifestETag();
        return "evt_" + CallbackSignature.sha256Hex("delivery\n" + ref.bucket() + "\n" + identity).substring(0, 40);
    }

    /** The event's type; a delivery that changed during validation has none: it is not told (DeliveryReport). */
    public static String type(DeliveryReport r) {
        return switch (r.outcome()) {
            case COMPLETED -> COMPLETED;
            case INVALID -> INVALID;
            case CHANGED -> throw new IllegalStateException("a delivery that changed during validation is not reported");
        };
    }

    /**
     * The event names its connection stack ({@code stackId}) and carries no ExternalId hash: the detector holds no
     * ExternalId; the vendor finds the tenant through the registered connection of that stack.
     */
    public static byte[] body(DeliveryReport r, String id, Instant occurredAt, String stackId, String accountId,
                              String partition, String region) {
        String type = type(r);
        DeliveryRef ref = r.ref();
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("kind", ref.kind().name());
        delivery.put("bucket", ref.bucket());
        delivery.put(ref.kind() == DeliveryKind.CUR1 ? "reportName" : "exportName", ref.exportName());
        if (r.exportArn() != null) {
            delivery.put("exportArn", r.exportArn());
        }
        delivery.put("billingPeriod", ref.billingPeriod());
        if (r.runId() != null) {
            delivery.put(ref.kind() == DeliveryKind.CUR1 ? "assemblyId" : "executionId", r.runId());
        }
        delivery.put("manifestKey", ref.manifestKey());
        if (r.format() != null) {
            delivery.put("format", r.format().wireName());
        }
        delivery.put("fileCount", r.fileCount());
        if (r.totalRows() != null) {
            delivery.put("totalRows", r.totalRows());
        }
        delivery.put("totalBytes", r.totalBytes());
        if (type.equals(INVALID)) {
            List<Map<String, Object>> problems = new ArrayList<>();
            for (DeliveryReport.Problem p : r.problems().subList(0, Math.min(MAX_PROBLEMS, r.problems().size()))) {
                Map<String, Object> item = new LinkedHashMap<>();
                if (p.file() != null) {
                    item.put("file", p.file());
                }
                item.put("problem", p.problem());
                problems.add(item);
            }
            delivery.put("problems", problems);
            if (r.problems().size() > MAX_PROBLEMS) {
                delivery.put("problemCount", r.problems().size());
            }
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("id", id);
        event.put("occurredAt", occurredAt.truncatedTo(ChronoUnit.MILLIS).toString());
        event.put("stackId", stackId);
        event.put("accountId", accountId);
        event.put("partition", partition);
        event.put("region", region);
        event.put("delivery", delivery);
        return Json.write(event);
    }
}
