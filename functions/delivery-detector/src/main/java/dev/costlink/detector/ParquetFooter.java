package dev.costlink.detector;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

/**
 * Reads a Parquet file's footer with ranged reads only: {@code <FileMetaData> <4-byte LE length> "PAR1"} at the end.
 * One read of the last {@link #TAIL_BYTES} usually holds the whole footer; a second read fetches the rest if not,
 * pinned to the first one's ETag: an object overwritten in between (a CUR refresh in overwrite mode) is
 * {@link ObjectStore.Changed}, never mistaken for a corrupted footer.
 */
public final class ParquetFooter {
    // A CUR 2.0 footer (125 columns) is about 34 KB per row group: 64 KiB is one request for most files.
    static final int TAIL_BYTES = 64 * 1024;
    static final int MAX_FOOTER_BYTES = 64 * 1024 * 1024;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);

    private ParquetFooter() {}

    public static FileCheck read(ObjectStore store, String bucket, String key)
            throws ObjectStore.NotFound, ObjectStore.Changed {
        ObjectStore.Read tail = store.tail(bucket, key, TAIL_BYTES);
        long size = tail.size();
        byte[] bytes = tail.bytes();
        if (size < 12) {
            return FileCheck.broken(size, "not a Parquet file: " + size + " bytes is too small");
        }
        byte[] end = Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length);
        if (Arrays.equals(end, ENCRYPTED_MAGIC)) {
            return FileCheck.broken(size, "encrypted Parquet footer (PARE): cannot be validated");
        }
        if (!Arrays.equals(end, MAGIC)) {
            byte[] start = bytes.length == size ? bytes : store.range(bucket, key, 0, 3, tail.eTag());
            if (ContentSniffer.isGzip(start) || ContentSniffer.isZip(start)) {
                return FileCheck.broken(size, "not a Parquet file: its content is " + ContentSniffer.describe(start)
                        + " (the delivery is parquet)");
            }
            return FileCheck.broken(size, "no trailing PAR1 magic: truncated or not a Parquet file");
        }
        if (bytes.length == size && !Arrays.equals(Arrays.copyOf(bytes, 4), MAGIC)) {
            return FileCheck.broken(size, "no leading PAR1 magic: not a Parquet file");
        }
        long footerLength = Integer.toUnsignedLong(
                ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (footerLength == 0 || footerLength > size - 12 || footerLength > MAX_FOOTER_BYTES) {
            return FileCheck.broken(size, "footer length " + footerLength + " is impossible for a file of " + size + " bytes");
        }
        byte[] footer;
        int inTail = bytes.length - 8;
        if (footerLength <= inTail) {
            footer = Arrays.copyOfRange(bytes, (int) (inTail - footerLength), inTail);
        } else {
            long first = size - 8 - footerLength;
            byte[] head = store.range(bucket, key, first, size - 8 - inTail - 1, tail.eTag());
            footer = new byte[(int) footerLength];
            System.arraycopy(head, 0, footer, 0, head.length);
            System.arraycopy(bytes, 0, footer, head.length, inTail);
        }
        return decode(size, footer);
    }

    static FileCheck decode(long size, byte[] footer) {
        FileMetaData meta;
        try {
            meta = Util.readFileMetaData(new ByteArrayInputStream(footer));
        } catch (IOException | RuntimeException e) {
            return FileCheck.broken(size, "corrupted Parquet footer: " + rootMessage(e));
        }
        List<SchemaElement> schema = meta.getSchema();
        if (schema == null || schema.isEmpty()) {
            return FileCheck.broken(size, "corrupted Parquet footer: no schema");
        }
        List<String> columns = new ArrayList<>();
        try {
            int index = 1;
            int children = schema.get(0).isSetNum_children() ? schema.get(0).getNum_children() : 0;
            for (int c = 0; c < children; c++) {
                columns.add(schema.get(index).getName());
                index = skip(schema, index);
            }
            if (index != schema.size()) {
                return FileCheck.broken(size, "corrupted Parquet footer: schema tree does not match its element count");
            }
        } catch (IndexOutOfBoundsException e) {
            return FileCheck.broken(size, "corrupted Parquet footer: schema tree is truncated");
        }
        if (meta.getNum_rows() < 0) {
            return FileCheck.broken(size, "corrupted Parquet footer: negative row count");
        }
        return new FileCheck(size, meta.getNum_rows(), columns, null);
    }

    /** Index just past the subtree rooted at {@code index}. */
    private static int skip(List<SchemaElement> schema, int index) {
        SchemaElement element = schema.get(index);
        int next = index + 1;
        int children = element.isSetNum_children() ? element.getNum_children() : 0;
        if (children < 0 || children > schema.size()) {
            throw new IndexOutOfBoundsException("bad child count");
        }
        for (int c = 0; c < children; c++) {
            next = skip(schema, next);
        }
        return next;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() > 200 ? message.substring(0, 197) + "..." : message;
    }
}
