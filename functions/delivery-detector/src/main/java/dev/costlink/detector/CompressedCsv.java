package dev.costlink.detector;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Validates a GZIP- or ZIP-compressed CSV data file (legacy CUR 1.0 text reports, carbon and other Data Exports in
 * text) from one ranged read of its first {@link #HEAD_BYTES}, never a download: the container's magic and header,
 * then the start of the compressed stream inflated up to the CSV header, whose columns are compared with the
 * manifest's. A file that fits in that read is inflated whole: its checksum is verified and its records are counted;
 * a larger one's row count stays unknown (counting would mean downloading it).
 */
final class CompressedCsv {
    static final int HEAD_BYTES = 64 * 1024;
    /** Inflated bytes looked through for the header line of a file larger than the head read. */
    private static final int MAX_INFLATED_FOR_HEADER = 4 * 1024 * 1024;
    /** A small file is counted whole only up to this much text (a 64 KiB deflate stream can inflate to ~64 MiB). */
    private static final long MAX_INFLATED_WHOLE = 256L * 1024 * 1024;
    private static final int GZIP_MINIMUM = 20;   // 10-byte header, an empty deflate block, 8-byte trailer
    private static final int ZIP_MINIMUM = 22;    // an empty archive: just the end-of-central-directory record

    private CompressedCsv() {}

    static FileCheck read(ObjectStore store, String bucket, String key, DeliveryFormat format)
            throws ObjectStore.NotFound {
        ObjectStore.Read head = store.head(bucket, key, HEAD_BYTES);
        byte[] b = head.bytes();
        long size = head.size();
        boolean gzip = format == DeliveryFormat.CSV_GZIP;
        String container = gzip ? "GZIP" : "ZIP";
        if (size == 0) {
            return FileCheck.broken(0, "empty file (0 bytes): not a " + container + " file");
        }
        if (gzip ? !ContentSniffer.isGzip(b) : !ContentSniffer.isZip(b)) {
            return FileCheck.broken(size, "not a " + container + " file: its content is "
                    + ContentSniffer.describe(b) + " (the delivery is " + format.wireName() + ")");
        }
        if (size < (gzip ? GZIP_MINIMUM : ZIP_MINIMUM)) {
            return FileCheck.broken(size, "truncated " + container + " file: " + size + " bytes");
        }
        return b.length == size ? whole(b, gzip) : start(b, size, gzip);
    }

    /** The whole file is in hand: inflate it all (checksums verified), take the header and count the records. */
    private static FileCheck whole(byte[] b, boolean gzip) {
        CsvShape csv = new CsvShape();
        try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(b)) : firstEntry(b)) {
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                csv.feed(buffer, 0, n);
                total += n;
                if (total > MAX_INFLATED_WHOLE) {
                    return header(b.length, csv, null);
                }
            }
        } catch (EOFException e) {
            return FileCheck.broken(b.length, "truncated " + (gzip ? "GZIP" : "ZIP") + " data: the file ends before "
                    + "its compressed stream does");
        } catch (IOException e) {
            return FileCheck.broken(b.length, "corrupted " + (gzip ? "GZIP" : "ZIP") + " data ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
        csv.end();
        return header(b.length, csv, csv.records());
    }

    private static InputStream firstEntry(byte[] b) throws IOException {
        ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(b));
        ZipEntry entry = zip.getNextEntry();
        if (entry == null) {
            zip.close();
            throw new IOException("the archive holds no file");
        }
        return zip;
    }

    /** Only the file's start is in hand: find where its deflate stream begins and inflate up to the header line. */
    private static FileCheck start(byte[] b, long size, boolean gzip) {
        int data;
        boolean stored = false;
        if (gzip) {
            data = gzipDataOffset(b);
            if (data < 0) {
                return FileCheck.broken(size, "corrupted GZIP header");
            }
        } else {
            ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int flags = h.getShort(6) & 0xffff;
            int method = h.getShort(8) & 0xffff;
            if ((flags & 1) != 0) {
                return FileCheck.broken(size, "encrypted ZIP entry: cannot be validated");
            }
            if (method != 0 && method != 8) {
                return FileCheck.broken(size, "ZIP compression method " + method + " is neither stored nor deflate");
            }
            stored = method == 0;
            data = 30 + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
            if (data > b.length) {
                return FileCheck.broken(size, "corrupted ZIP header");
            }
        }
        CsvShape csv = new CsvShape();
        if (stored) {
            csv.feed(b, data, b.length - data);
            return header(size, csv, null);
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(b, data, b.length - data);
            byte[] out = new byte[16 * 1024];
            long total = 0;
            while (!csv.headerComplete() && !inflater.finished() && total < MAX_INFLATED_FOR_HEADER) {
                int n = inflater.inflate(out);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                csv.feed(out, 0, n);
                total += n;
            }
            if (inflater.finished()) {
                csv.end();
            }
        } catch (DataFormatException e) {
            return FileCheck.broken(size, "corrupted " + (gzip ? "GZIP" : "ZIP") + " data ("
                    + (e.getMessage() == null ? "invalid deflate stream" : e.getMessage()) + ")");
        } finally {
            inflater.end();
        }
        return header(size, csv, null);
    }

    /** Where the deflate stream of a GZIP member starts (RFC 1952), or -1 if its header is not sound. */
    static int gzipDataOffset(byte[] b) {
        if (b.length < 10 || (b[2] & 0xff) != 8 || (b[3] & 0xe0) != 0) {
            return -1;
        }
        int flags = b[3] & 0xff;
        int at = 10;
        if ((flags & 4) != 0) {     // FEXTRA
            if (at + 2 > b.length) {
                return -1;
            }
            at += 2 + ((b[at] & 0xff) | (b[at + 1] & 0xff) << 8);
        }
        for (int zeroTerminated : new int[] {8, 16}) {   // FNAME, FCOMMENT
            if ((flags & zeroTerminated) != 0) {
                while (at < b.length && b[at] != 0) {
                    at++;
                }
                at++;
            }
        }
        if ((flags & 2) != 0) {     // FHCRC
            at += 2;
        }
        return at < b.length ? at : -1;
    }

    private static FileCheck header(long size, CsvShape csv, Long rows) {
        if (!csv.headerComplete()) {
            // The header line was not reached in what one read inflates (or the stream ended): columns unknown.
            return rows == null ? new FileCheck(size, null, null, null)
                    : FileCheck.broken(size, "no CSV header line: the file holds no text");
        }
        if (csv.columns().isEmpty()) {
            return FileCheck.broken(size, "no CSV header line: the first line is blank");
        }
        return new FileCheck(size, rows, csv.columns(), null);
    }
}
