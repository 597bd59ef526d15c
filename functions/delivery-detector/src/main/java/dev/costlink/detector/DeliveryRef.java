package dev.costlink.detector;

/**
 * A recognised manifest: what it belongs to, read from its key alone. {@code exportRoot} is the key prefix under which
 * every data file of this export must lie.
 */
public record DeliveryRef(DeliveryKind kind, String bucket, String manifestKey, String exportName, String billingPeriod,
                          String exportRoot) {

    DeliveryRef withKind(DeliveryKind other) {
        return other == kind ? this : new DeliveryRef(other, bucket, manifestKey, exportName, billingPeriod, exportRoot);
    }
}
