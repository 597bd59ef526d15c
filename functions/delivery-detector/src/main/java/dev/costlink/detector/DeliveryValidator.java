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
 * Validates one delivery: the manifest, then every listed data file's existence and Parquet footer (ranged reads, at
 * most {@code concurrency} at a time), its columns against the manifest's, and the totals. Data files are never
 * downloaded, and files outside the bucket or the export's prefix are never read.
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
        List<DeliveryReport.Problem> problems = new ArrayList<>();
        ObjectStore.Read read;
        try {
            read = store.get(ref.bucket(), ref.manifestKey(), MAX_MANIFEST_BYTES);
        } catch (ObjectStore.NotFound e) {
            return report(ref, null, null, null, 0, 0, 0, List.of(problem(ref.manifestKey(), "manifest not found")));
        } catch (IllegalArgumentException e) {
            return report(ref, null, null, null, 0, 0, 0, List.of(problem(ref.manifestKey(), "manifest " + e.getMessage())));
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(ref.kind(), read.bytes());
        } catch (IllegalArgumentException e) {
            return report(ref, read.eTag(), null, null, 0, 0, 0, List.of(problem(ref.manifestKey(), e.getMessage())));
        }
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
        List<ParquetFooter.Result> results = readFooters(ref.bucket(), keys);
        long rows = 0;
        long bytes = 0;
        for (int i = 0; i < keys.size(); i++) {
            ParquetFooter.Result r = results.get(i);
            bytes += r.size();
            if (r.problem() != null) {
                problems.add(problem(keys.get(i), r.problem()));
                continue;
            }
            rows += r.rows();
            String difference = columnDifference(manifest.columns(), r.columns());
            if (!manifest.columns().isEmpty() && difference != null) {
                problems.add(problem(keys.get(i), difference));
            }
        }
        if (manifest.entries().isEmpty()) {
            problems.add(problem(null, "the manifest lists no data files"));
        } else if (problems.isEmpty() && rows == 0) {
            problems.add(problem(null, "empty delivery: the data files hold zero rows"));
        }
        return report(ref, read.eTag(), manifest.runId(), manifest.exportArn(), manifest.entries().size(), rows, bytes,
                problems);
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

    private List<ParquetFooter.Result> readFooters(String bucket, List<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, keys.size()), r -> {
            Thread t = new Thread(r, "footer-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ParquetFooter.Result>> futures = new ArrayList<>();
            for (String key : keys) {
                futures.add(pool.submit(() -> {
                    try {
                        return ParquetFooter.read(store, bucket, key);
                    } catch (ObjectStore.NotFound e) {
                        return ParquetFooter.Result.broken(0, "listed in the manifest but missing from the bucket");
                    }
                }));
            }
            List<ParquetFooter.Result> out = new ArrayList<>();
            for (Future<ParquetFooter.Result> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new IllegalStateException("reading a footer failed: " + cause.getMessage(), cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading footers", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
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

    private static DeliveryReport report(DeliveryRef ref, String eTag, String runId, String exportArn, int files,
                                         long rows, long bytes, List<DeliveryReport.Problem> problems) {
        return new DeliveryReport(ref, eTag, runId, exportArn, files, rows, bytes, List.copyOf(problems));
    }
}
