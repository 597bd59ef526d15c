package dev.costlink.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GZIP and ZIP CSV files read from their first bytes only: what is checked, counted, and refused. */
class CompressedCsvTest {
    static final List<String> HEADER = List.of("identity/LineItemId", "lineItem/UsageAccountId", "lineItem/UnblendedCost");
    final MemoryStore store = new MemoryStore();

    FileCheck read(byte[] file, DeliveryFormat format) throws Exception {
        store.put("k", file);
        return CompressedCsv.read(store, "b", "k", format);
    }

    @Test
    void aSmallGzipFileIsInflatedWholeAndItsRecordsCounted() throws Exception {
        byte[] file = TextFiles.gzip(TextFiles.csv(HEADER, 7, 0));
        FileCheck r = read(file, DeliveryFormat.CSV_GZIP);
        assertEquals(new FileCheck(file.length, 7L, HEADER, null), r);
    }

    @Test
    void aHeaderOnlyFileHoldsZeroRecords() throws Exception {
        assertEquals(0L, read(TextFiles.gzip(String.join(",", HEADER) + "\r\n"), DeliveryFormat.CSV_GZIP).rows());
        assertEquals(0L, read(TextFiles.gzip(String.join(",", HEADER)), DeliveryFormat.CSV_GZIP).rows());
    }

    @Test
    void quotedNewlinesAndBlankLinesAreNotRecords() throws Exception {
        String text = "\uFEFF\"a\",\"b,c\",\"d\"\"e\"\r\n1,\"two\nlines\",3\r\n\r\n4,5,6";
        FileCheck r = read(TextFiles.gzip(text), DeliveryFormat.CSV_GZIP);
        assertEquals(List.of("a", "b,c", "d\"e"), r.columns());
        assertEquals(2L, r.rows());
    }

    @Test
    void aLargeFileIsReadOnceFromItsStartAndItsRowsStayUnknown() throws Exception {
        byte[] file = TextFiles.gzip(TextFiles.csv(HEADER, 4000, 200));
        assertTrue(file.length > 4 * CompressedCsv.HEAD_BYTES, "size " + file.length);
        FileCheck r = read(file, DeliveryFormat.CSV_GZIP);
        assertEquals(new FileCheck(file.length, null, HEADER, null), r);
        assertEquals(CompressedCsv.HEAD_BYTES, store.bytesRead());
        assertEquals(1, store.requests.get());
    }

    @Test
    void aLargeFileWithANamedGzipHeader() throws Exception {
        byte[] file = TextFiles.gzipWithName(TextFiles.csv(HEADER, 4000, 200), "R-1.csv");
        assertEquals(new FileCheck(file.length, null, HEADER, null), read(file, DeliveryFormat.CSV_GZIP));
        assertEquals(new FileCheck(file.length - 1000, null, HEADER, null),
                read(Arrays.copyOf(file, file.length - 1000), DeliveryFormat.CSV_GZIP),
                "a truncated large file cannot be told without a download: its start is sound");
    }

    @Test
    void aParquetFileWhereGzipIsExpectedIsNamedForWhatItIs() throws Exception {
        byte[] parquet = ParquetBytes.of(List.of("a"), 1);
        assertEquals("not a GZIP file: its content is Parquet (the delivery is csv-gzip)",
                read(parquet, DeliveryFormat.CSV_GZIP).problem());
        assertEquals("not a GZIP file: its content is unrecognised (the delivery is csv-gzip)",
                read("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), DeliveryFormat.CSV_GZIP).problem());
        assertEquals("not a ZIP file: its content is GZIP-compressed (the delivery is csv-zip)",
                read(TextFiles.gzip("a\n"), DeliveryFormat.CSV_ZIP).problem());
    }

    @Test
    void emptyTinyTruncatedAndCorruptedFiles() throws Exception {
        assertEquals("empty file (0 bytes): not a GZIP file", read(new byte[0], DeliveryFormat.CSV_GZIP).problem());
        assertEquals("truncated GZIP file: 12 bytes", read(Arrays.copyOf(TextFiles.gzip("a,b\n"), 12),
                DeliveryFormat.CSV_GZIP).problem());
        byte[] whole = TextFiles.gzip(TextFiles.csv(HEADER, 50, 0));
        assertEquals("truncated GZIP data: the file ends before its compressed stream does",
                read(Arrays.copyOf(whole, whole.length - 12), DeliveryFormat.CSV_GZIP).problem());
        byte[] badCrc = whole.clone();
        badCrc[badCrc.length - 6] ^= 0x5a;
        assertEquals("corrupted GZIP data (Corrupt GZIP trailer)", read(badCrc, DeliveryFormat.CSV_GZIP).problem());
        byte[] badStream = whole.clone();
        badStream[10] = (byte) 0xff;   // the first deflate block header: reserved block type
        assertTrue(read(badStream, DeliveryFormat.CSV_GZIP).problem().startsWith("corrupted GZIP data ("));
        byte[] badHeader = whole.clone();
        badHeader[2] = 7;
        assertTrue(read(badHeader, DeliveryFormat.CSV_GZIP).problem().startsWith("corrupted GZIP data ("));
    }

    @Test
    void aLargeFileWhoseStreamIsCorruptedAtItsStart() throws Exception {
        byte[] file = TextFiles.gzip(TextFiles.csv(HEADER, 4000, 200));
        file[10] = (byte) 0xff;
        assertTrue(read(file, DeliveryFormat.CSV_GZIP).problem().startsWith("corrupted GZIP data ("));
        file = TextFiles.gzip(TextFiles.csv(HEADER, 4000, 200));
        file[3] = (byte) 0xe0;
        assertEquals("corrupted GZIP header", read(file, DeliveryFormat.CSV_GZIP).problem());
    }

    @Test
    void aFileWithoutText() throws Exception {
        assertEquals("no CSV header line: the file holds no text", read(TextFiles.gzip(""), DeliveryFormat.CSV_GZIP)
                .problem());
        assertEquals("no CSV header line: the first line is blank", read(TextFiles.gzip("\n1,2\n"),
                DeliveryFormat.CSV_GZIP).problem());
    }

    @Test
    void zipArchivesSmallAndLarge() throws Exception {
        byte[] small = TextFiles.zip(TextFiles.csv(HEADER, 3, 0), "R-1.csv");
        assertEquals(new FileCheck(small.length, 3L, HEADER, null), read(small, DeliveryFormat.CSV_ZIP));
        byte[] large = TextFiles.zip(TextFiles.csv(HEADER, 4000, 200), "R-1.csv");
        assertEquals(new FileCheck(large.length, null, HEADER, null), read(large, DeliveryFormat.CSV_ZIP));
        byte[] encrypted = large.clone();
        encrypted[6] |= 1;
        assertEquals("encrypted ZIP entry: cannot be validated", read(encrypted, DeliveryFormat.CSV_ZIP).problem());
        byte[] empty = TextFiles.zip("", "R-1.csv");
        assertEquals("no CSV header line: the file holds no text", read(empty, DeliveryFormat.CSV_ZIP).problem());
    }

    @Test
    void aHeaderBeyondWhatOneReadInflatesLeavesTheColumnsUnknown() throws Exception {
        StringBuilder wide = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            wide.append(i == 0 ? "" : ",").append("resourceTags/user:").append(Long.toHexString(random.nextLong()));
        }
        byte[] file = TextFiles.gzip(wide + "\n" + TextFiles.csv(HEADER, 4000, 200));
        FileCheck r = read(file, DeliveryFormat.CSV_GZIP);
        assertNull(r.problem());
        assertNull(r.columns());
        assertNull(r.rows());
    }
}
