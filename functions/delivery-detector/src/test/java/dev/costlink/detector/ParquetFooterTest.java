package dev.costlink.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Footer decoding on the real samples of shared/samples/parquet (the end-to-end suite does the same through S3). */
class ParquetFooterTest {
    static final Path SAMPLES = Path.of(System.getProperty("user.dir")).resolve("../../../shared/samples/parquet")
            .normalize();

    static byte[] sample(String name) throws IOException {
        return Files.readAllBytes(SAMPLES.resolve(name));
    }

    @Test
    void readsRowsAndColumnsOfAValidFile() throws Exception {
        FileCheck r = ParquetFooter.read(new MemoryStore(Map.of("k", sample("alltypes_plain.snappy.parquet"))),
                "b", "k");
        assertNull(r.problem());
        assertEquals(2, r.rows());
        assertEquals(11, r.columns().size());
        assertEquals("id", r.columns().get(0));
    }

    @Test
    void aMalformedDictionaryPageDoesNotMatterToTheFooter() throws Exception {
        FileCheck r = ParquetFooter.read(new MemoryStore(Map.of("k", sample("nation.dict-malformed.parquet"))),
                "b", "k");
        assertNull(r.problem());
        assertTrue(r.rows() > 0);
    }

    @Test
    void reportsTheCorruptedFooter() throws Exception {
        FileCheck r = ParquetFooter.read(new MemoryStore(Map.of("k", sample("PARQUET-1481.parquet"))), "b", "k");
        assertTrue(r.problem() != null && r.problem().startsWith("corrupted Parquet footer"), r.problem());
    }

    @Test
    void reportsATruncatedFile() throws Exception {
        byte[] whole = sample("alltypes_plain.snappy.parquet");
        byte[] cut = Arrays.copyOf(whole, whole.length - 100);
        FileCheck r = ParquetFooter.read(new MemoryStore(Map.of("k", cut)), "b", "k");
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
        FileCheck r = ParquetFooter.read(store, "b", "k");
        assertNull(r.problem());
        assertTrue(store.bytesRead() < padded.length / 2, "never the whole file: " + store.bytesRead());
    }

    @Test
    void missingObjectsAreNotFound() {
        MemoryStore store = new MemoryStore(Map.of());
        org.junit.jupiter.api.Assertions.assertThrows(ObjectStore.NotFound.class,
                () -> ParquetFooter.read(store, "b", "missing"));
    }
}
