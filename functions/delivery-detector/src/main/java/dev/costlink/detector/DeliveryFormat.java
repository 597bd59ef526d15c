package dev.costlink.detector;

import java.util.Locale;

/** How a delivery's data files are written; {@link #wireName()} is the event's {@code delivery.format}. */
public enum DeliveryFormat {
    PARQUET("parquet"),
    CSV_GZIP("csv-gzip"),
    CSV_ZIP("csv-zip");

    private final String wireName;

    DeliveryFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The format a data file's name announces ({@code .parquet}, {@code .gz}, {@code .zip}), or null. */
    static DeliveryFormat ofName(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".parquet")) {
            return PARQUET;
        }
        if (k.endsWith(".gz")) {
            return CSV_GZIP;
        }
        if (k.endsWith(".zip")) {
            return CSV_ZIP;
        }
        return null;
    }

    /**
     * The format a manifest declares: CUR 1.0 manifests carry {@code contentType} ({@code text/csv} or
     * {@code Parquet}) and {@code compression} ({@code GZIP}, {@code ZIP} or {@code Parquet}). Null when neither is
     * given (Data Exports manifests: the files' names tell); {@link Declared#unknown} when they name something else.
     */
    static Declared declared(String contentType, String compression) {
        if (contentType == null && compression == null) {
            return new Declared(null, false);
        }
        String type = contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT);
        String packing = compression == null ? "" : compression.trim().toLowerCase(Locale.ROOT);
        if (type.endsWith("parquet") || packing.equals("parquet")) {
            return new Declared(PARQUET, false);
        }
        if (type.contains("csv") || type.equals("text/plain") || type.isEmpty()) {
            if (packing.equals("gzip")) {
                return new Declared(CSV_GZIP, false);
            }
            if (packing.equals("zip")) {
                return new Declared(CSV_ZIP, false);
            }
        }
        return new Declared(null, true);
    }

    /** A manifest's declaration: a format, none ({@code format} null), or one the detector does not know. */
    record Declared(DeliveryFormat format, boolean unknown) {}
}
