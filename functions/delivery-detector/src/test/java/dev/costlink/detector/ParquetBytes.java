package dev.costlink.detector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

/**
 * Parquet files whose footers are real Thrift FileMetaData (written with parquet-format-structures, the decoder's own
 * library) around a body of padding: enough to test a footer reader on any columns, row count, footer size and file
 * size without a Parquet writer. (pyarrow writes the end-to-end suite's files, an independent writer.)
 */
final class ParquetBytes {
    private ParquetBytes() {}

    static byte[] of(List<String> columns, long rows) {
        return of(columns, rows, 1, 0);
    }

    /** {@code rowGroups} row groups (each lists every column chunk: the footer grows with them), {@code body} bytes. */
    static byte[] of(List<String> columns, long rows, int rowGroups, int body) {
        return file(footer(columns, rows, rowGroups), body);
    }

    static byte[] footer(List<String> columns, long rows, int rowGroups) {
        List<SchemaElement> schema = new ArrayList<>();
        SchemaElement root = new SchemaElement("hive_schema");
        root.setNum_children(columns.size());
        schema.add(root);
        for (String c : columns) {
            SchemaElement leaf = new SchemaElement(c);
            leaf.setType(Type.BYTE_ARRAY);
            leaf.setRepetition_type(FieldRepetitionType.OPTIONAL);
            schema.add(leaf);
        }
        List<RowGroup> groups = new ArrayList<>();
        for (int g = 0; g < rowGroups; g++) {
            List<ColumnChunk> chunks = new ArrayList<>();
            for (String c : columns) {
                ColumnMetaData meta = new ColumnMetaData(Type.BYTE_ARRAY, List.of(Encoding.PLAIN), List.of(c),
                        CompressionCodec.SNAPPY, rows, 100, 50, 4);
                ColumnChunk chunk = new ColumnChunk(4);
                chunk.setMeta_data(meta);
                chunks.add(chunk);
            }
            groups.add(new RowGroup(chunks, 100L * columns.size(), rowGroups == 0 ? 0 : rows / rowGroups));
        }
        FileMetaData meta = new FileMetaData(1, schema, rows, groups);
        meta.setCreated_by("parquet-mr version 1.10.1 (build costlink-test)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Util.writeFileMetaData(meta, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] file(byte[] footer, int body) {
        ByteBuffer b = ByteBuffer.allocate(4 + body + footer.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic());
        b.position(4 + body);
        b.put(footer);
        b.putInt(footer.length);
        b.put(magic());
        return b.array();
    }

    private static byte[] magic() {
        return "PAR1".getBytes(StandardCharsets.US_ASCII);
    }
}
