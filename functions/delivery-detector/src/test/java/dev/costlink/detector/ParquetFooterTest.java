package dev.costlink.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Footer decoding on the real samples of shared/samples/parquet (the end-to-end suite does the same through S3). */
class ParquetFooterTest {
    static final Path SAMPLES = Path.of(System.getProperty("user.dir")).resolve("../../../shared/samples/parquet")
            .normalize();

    /** Byte arrays standing in for objects; counts what is read, like the S3 store. */
    static final class MemoryStore implements ObjectStore {
        final Map<String, byte[]> objects;
        final AtomicLong read = new AtomicLong();

        MemoryStore(Map<String, byte[]> objects) {
            this.objects = objects;
        }

        private byte[] object(String key) throws NotFound {
            byte[] b = objects.get(key);
            if (b == null) {
                throw new NotFound(key);
            }
            return b;
        }

        @Override public Read get(String bucket, String key, int maxBytes) throws NotFound {
            byte[] b = object(key);
            read.addAndGet(b.length);
            return new Read(b, b.length, "etag");
        }

        @Override public Read tail(String bucket, String key, int maxBytes) throws NotFound {
            byte[] b = object(key);
            byte[] t = Arrays.copyOfRange(b, Math.max(0, b.length - maxBytes), b.length);
            read.addAndGet(t.length);
            return new Read(t, b.length, "etag");
        }

        @Override public byte[] range(String bucket, String key, long first, long last) throws NotFound {
            byte[] r = Arrays.copyOfRange(object(key), (int) first, (int) last + 1);
            read.addAndGet(r.length);
            return r;
        }

        @Override public long bytesRead() {
            return read.get();
        }
    }

    private static byte[] sample(String name) throws IOException {
        return Files.readAllBytes(SAMPLES.resolve(name));
    }

    @Test
    void readsRowsAndColumnsOfAValidFile() throws Exception {
        ParquetFooter.Result r = ParquetFooter.read(new MemoryStore(Map.of("k", sample("alltypes_plain.snappy.parquet"))),
                "b", "k");
        assertNull(r.problem());
        assertEquals(2, r.rows());
        assertEquals(11, r.columns().size());
        assertEquals("id", r.columns().get(0));
    }

    @Test
    void aMalformedDictionaryPageDoesNotMatterToTheFooter() throws Exception {
        ParquetFooter.Result r = ParquetFooter.read(new MemoryStore(Map.of("k", sample("nation.dict-malformed.parquet"))),
                "b", "k");
        assertNull(r.problem());
        assertTrue(r.rows() > 0);
    }

    @Test
    void reportsTheCorruptedFooter() throws Exception {
        ParquetFooter.Result r = ParquetFooter.read(new MemoryStore(Map.of("k", sample("PARQUET-1481.parquet"))), "b", "k");
        assertTrue(r.problem() != null && r.problem().startsWith("corrupted Parquet footer"), r.problem());
    }

    @Test
    void reportsATruncatedFile() throws Exception {
        byte[] whole = sample("alltypes_plain.snappy.parquet");
        byte[] cut = Arrays.copyOf(whole, whole.length - 100);
        ParquetFooter.Result r = ParquetFooter.read(new MemoryStore(Map.of("k", cut)), "b", "k");
        assertEquals("no trailing PAR1 magic: truncated or not a Parquet file", r.problem());
    }

    @Test
    void readsAFooterLongerThanTheFirstTailInTwoReads() throws Exception {
        byte[] whole = sample("alltypes_plain.snappy.parquet");
        byte[] padded = new byte[whole.length + 400_000];
        // A file whose footer lies beyond the first tail read: same footer, preceded by a large body.
        System.arraycopy(whole, 0, padded, 0, 4);
        System.arraycopy(whole, 4, padded, 400_004, whole.length - 4);
        MemoryStore store = new MemoryStore(Map.of("k", padded));
        ParquetFooter.Result r = ParquetFooter.read(store, "b", "k");
        assertNull(r.problem());
        assertTrue(store.bytesRead() < padded.length / 2, "never the whole file: " + store.bytesRead());
    }

    @Test
    void missingObjectsAreNotFound() {
        MemoryStore store = new MemoryStore(Map.of());
        org.junit.jupiter.api.Assertions.assertThrows(ObjectStore.NotFound.class,
                () -> ParquetFooter.read(store, "b", "missing"));
    }

    @Test
    void recognisesEveryLayout() {
        DeliveryRecognizer r = new DeliveryRecognizer(List.of("reports/cur2", "reports/cur1", "reports/carbon-footprint"));
        List<String> ignored = new java.util.ArrayList<>();
        var cur2 = r.recognize("b", "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json",
                i -> ignored.add(i.reason())).orElseThrow();
        assertEquals(new DeliveryRef(DeliveryKind.CUR2, "b", cur2.manifestKey(), "X", "2026-05", "reports/cur2/X/"), cur2);
        var createNew = r.recognize("b", "reports/cur2/X/metadata/BILLING_PERIOD=2026-05/2026-06-01T23:48:02.356Z-e1/"
                + "X-Manifest.json", i -> ignored.add(i.reason())).orElseThrow();
        assertEquals(DeliveryKind.CUR2, createNew.kind());
        var cur1a = r.recognize("b", "reports/cur1/R/20260501-20260601/R-Manifest.json", i -> ignored.add(i.reason()))
                .orElseThrow();
        assertEquals(new DeliveryRef(DeliveryKind.CUR1, "b", cur1a.manifestKey(), "R", "2026-05", "reports/cur1/R/"), cur1a);
        var cur1b = r.recognize("b", "reports/cur1/R/R/year=2026/month=5/R-Manifest.json", i -> ignored.add(i.reason()))
                .orElseThrow();
        assertEquals(new DeliveryRef(DeliveryKind.CUR1, "b", cur1b.manifestKey(), "R", "2026-05", "reports/cur1/R/"), cur1b);
        var carbon = r.recognize("b", "reports/carbon-footprint/C/metadata/carbon_model_version=v3.0.0/"
                + "usage_period=2026-04/C-Manifest.json", i -> ignored.add(i.reason())).orElseThrow();
        assertEquals(new DeliveryRef(DeliveryKind.CARBON, "b", carbon.manifestKey(), "C", "2026-04",
                "reports/carbon-footprint/C/"), carbon);
        assertTrue(ignored.isEmpty());
        assertTrue(r.recognize("b", "reports/cur2/aws-programmatic-access-test-object", i -> ignored.add(i.reason()))
                .isEmpty());
        assertTrue(r.recognize("b", "reports/cur2/X/data/BILLING_PERIOD=2026-05/X-00001.snappy.parquet",
                i -> ignored.add(i.reason())).isEmpty());
        assertTrue(r.recognize("b", "other/X/metadata/BILLING_PERIOD=2026-05/X-Manifest.json",
                i -> ignored.add(i.reason())).isEmpty());
        assertTrue(r.recognize("b", "reports/cur2/X/metadata/../BILLING_PERIOD=2026-05/X-Manifest.json",
                i -> ignored.add(i.reason())).isEmpty());
        assertEquals(List.of("AWS permission probe object", "not a manifest", "outside the report prefixes",
                "key has empty, dot or control-character segments"), ignored);
    }
}
