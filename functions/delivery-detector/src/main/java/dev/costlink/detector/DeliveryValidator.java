package dev.costlink.detector;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Validates one delivery: the manifest, then every listed data file (at most {@code concurrency} at a time) as the
 * delivery's format says: a Parquet file by its footer, a compressed CSV by its start ({@link CompressedCsv}); its
 * columns against the manifest's, and the totals. Data files are never downloaded, and files outside the bucket or
 * the export's prefix are never read.
 */
public final class DeliveryValidator {
    static final int MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
    private static final int MAX_LISTED_NAMES = 5;

    private final ObjectStore store;
    private final int concurrency;

    public DeliveryValidator(ObjectStore store, int concurrency) {
        this.store = store;
        this.concurrency = Math.max(1, concurrency);
    }

    public DeliveryReport validate(DeliveryRef ref) {
        ObjectStore.Read read;
        try {
            read = store.whole(ref.bucket(), ref.manifestKey(), MAX_MANIFEST_BYTES);
        } catch (ObjectStore.NotFound e) {
            return unread(ref, null, "manifest not found");
        } catch (ObjectStore.TooLarge e) {
            return unread(ref, null, "manifest " + e.getMessage() + ": not read");
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(ref.kind(), read.bytes());
        } catch (IllegalArgumentException e) {
            return unread(ref, read.eTag(), e.getMessage());
        }
        ref = byColumns(ref, manifest);
        List<DeliveryReport.Problem> problems = new ArrayList<>();
        if (manifest.columns().isEmpty()) {
            problems.add(problem(ref.manifestKey(), "manifest lists no columns"));
        }
        List<String> keys = new ArrayList<>();
        for (String entry : manifest.entries()) {
            String refusal = refusal(ref, manifest, entry);
            if (refusal != null) {
                problems.add(problem(entry, refusal));
            } else {
                keys.add(keyOf(ref, entry));
            }
        }
        DeliveryFormat format = formatOf(manifest, keys);
        if (format == null) {
            problems.add(problem(ref.manifestKey(), "the manifest declares a content type or compression the "
                    + "detector does not know: its files are not read"));
            keys = List.of();
        }
        List<FileCheck> results = readAll(ref.bucket(), keys, format);
        List<String> changed = new ArrayList<>();
        Long rows = 0L;
        long bytes = 0;
        for (int i = 0; i < keys.size(); i++) {
            FileCheck r = results.get(i);
            if (r.changed()) {
                changed.add(keys.get(i));
                continue;
            }
            bytes += r.size();
            if (r.problem() != null) {
                problems.add(problem(keys.get(i), r.problem()));
                continue;
            }
            rows = r.rows() == null || rows == null ? null : rows + r.rows();
            String difference = r.columns() == null ? null : columnDifference(manifest.columns(), r.columns());
            if (!manifest.columns().isEmpty() && difference != null) {
                problems.add(problem(keys.get(i), difference));
            }
        }
        if (manifest.entries().isEmpty()) {
            problems.add(problem(null, "the manifest lists no data files"));
        } else if (problems.isEmpty() && rows != null && rows == 0) {
            problems.add(problem(null, "empty delivery: the data files hold zero rows"));
        }
        return new DeliveryReport(ref, read.eTag(), manifest, format, manifest.entries().size(), rows, bytes,
                List.copyOf(problems), List.copyOf(changed));
    }

    /** CUR 2.0 and FOCUS share a layout: the manifest's columns say which it is, when they tell. */
    static DeliveryRef byColumns(DeliveryRef ref, Manifest manifest) {
        DeliveryKind listed = manifest.listedKind();
        boolean billingPeriodExport = ref.kind() == DeliveryKind.CUR2 || ref.kind() == DeliveryKind.FOCUS;
        return billingPeriodExport && listed != null ? ref.withKind(listed) : ref;
    }

    /**
     * The format the manifest declares; if it declares none, the one its files' names announce (Data Exports: e.g.
     * {@code .snappy.parquet}, {@code .csv.gz}), Parquet when no name tells. Null for a declaration not understood.
     */
    static DeliveryFormat formatOf(Manifest manifest, List<String> keys) {
        if (manifest.declared().unknown()) {
            return null;
        }
        if (manifest.declared().format() != null) {
            return manifest.declared().format();
        }
        for (String key : keys) {
            DeliveryFormat named = DeliveryFormat.ofName(key);
            if (named != null) {
                return named;
            }
        }
        return DeliveryFormat.PARQUET;
    }

    private static DeliveryReport unread(DeliveryRef ref, String eTag, String problem) {
        return new DeliveryReport(ref, eTag, null, null, 0, 0L, 0, List.of(problem(ref.manifestKey(), problem)),
                List.of());
    }

    /** Why a listed entry is not read, or null when it may be. */
    static String refusal(DeliveryRef ref, Manifest manifest, String entry) {
        String bucket;
        String key;
        if (ref.kind() == DeliveryKind.CUR1) {
            bucket = manifest.bucket() == null ? ref.bucket() : manifest.bucket();
            key = entry;
        } else {
            if (!entry.startsWith("s3://")) {
                return "not an s3:// URI: not read";
            }
            String rest = entry.substring(5);
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                return "not an s3://bucket/key URI: not read";
            }
            bucket = rest.substring(0, slash);
            key = rest.substring(slash + 1);
        }
        if (!bucket.equals(ref.bucket())) {
            return "listed in another bucket (" + bucket + "): not read";
        }
        if (!key.startsWith(ref.exportRoot())) {
            return "outside the export's prefix " + ref.exportRoot() + ": not read";
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "key has empty or dot segments: not read";
            }
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "key has control characters: not read";
        }
        return null;
    }

    private static String keyOf(DeliveryRef ref, String entry) {
        if (ref.kind() == DeliveryKind.CUR1) {
            return entry;
        }
        String rest = entry.substring(5);
        return rest.substring(rest.indexOf('/') + 1);
    }

    private List<FileCheck> readAll(String bucket, List<String> keys, DeliveryFormat format) {
        if (keys.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, keys.size()), r -> {
            Thread t = new Thread(r, "file-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<FileCheck>> futures = new ArrayList<>();
            for (String key : keys) {
                futures.add(pool.submit(() -> read(bucket, key, format)));
            }
            List<FileCheck> out = new ArrayList<>();
            for (Future<FileCheck> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new IllegalStateException("reading a data file failed: " + cause.getMessage(), cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading data files", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private FileCheck read(String bucket, String key, DeliveryFormat format) {
        try {
            return format == DeliveryFormat.PARQUET ? ParquetFooter.read(store, bucket, key)
                    : CompressedCsv.read(store, bucket, key, format);
        } catch (ObjectStore.NotFound e) {
            return FileCheck.broken(0, "listed in the manifest but missing from the bucket");
        } catch (ObjectStore.Changed e) {
            return FileCheck.replacedWhileRead();
        }
    }

    /** Null when the file has the manifest's columns, spelling aside (ColumnNames); else what differs. */
    static String columnDifference(List<Manifest.Column> expected, List<String> actual) {
        Set<String> got = new HashSet<>();
        for (String a : actual) {
            got.add(ColumnNames.physical(a));
        }
        Set<String> listed = new HashSet<>();
        Set<String> missing = new TreeSet<>();
        for (Manifest.Column c : expected) {
            listed.addAll(c.physical());
            if (c.physical().stream().noneMatch(got::contains)) {
                missing.add(c.name());
            }
        }
        Set<String> unexpected = new TreeSet<>();
        for (String a : actual) {
            if (!listed.contains(ColumnNames.physical(a))) {
                unexpected.add(a);
            }
        }
        if (missing.isEmpty() && unexpected.isEmpty()) {
            return null;
        }
        return "columns differ from the manifest: " + describe("missing", missing) + (missing.isEmpty()
                || unexpected.isEmpty() ? "" : "; ") + describe("unexpected", unexpected);
    }

    private static String describe(String label, Set<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        List<String> shown = names.stream().limit(MAX_LISTED_NAMES).toList();
        return label + " " + names.size() + " " + shown + (names.size() > MAX_LISTED_NAMES ? " and more" : "");
    }

    private static DeliveryReport.Problem problem(String file, String problem) {
        return new DeliveryReport.Problem(file, problem);
    }
}
