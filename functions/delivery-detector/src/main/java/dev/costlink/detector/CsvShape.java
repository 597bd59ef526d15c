package dev.costlink.detector;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of CSV text fed to it in pieces, without keeping it: the header's column names and how many records
 * follow (a newline inside a quoted field does not end a record; blank lines are not records).
 */
final class CsvShape {
    static final int MAX_HEADER_BYTES = 1 << 20;

    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private boolean headerDone;
    private boolean inQuotes;
    private boolean lineHasContent;
    private long records;

    void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte c = bytes[i];
            if (c == '"') {
                inQuotes = !inQuotes;
            }
            boolean endOfRecord = c == '\n' && !inQuotes;
            if (!headerDone) {
                if (endOfRecord) {
                    headerDone = true;
                } else if (header.size() < MAX_HEADER_BYTES) {
                    header.write(c);
                }
                continue;
            }
            if (endOfRecord) {
                if (lineHasContent) {
                    records++;
                }
                lineHasContent = false;
            } else if (c != '\r') {
                lineHasContent = true;
            }
        }
    }

    /** The text has ended: a last record without a newline counts, and so does a header without one. */
    void end() {
        if (!headerDone && header.size() > 0) {
            headerDone = true;
        }
        if (lineHasContent) {
            records++;
            lineHasContent = false;
        }
    }

    boolean headerComplete() {
        return headerDone;
    }

    long records() {
        return records;
    }

    /** The header's column names (quotes removed); empty if there was no header. */
    List<String> columns() {
        String line = header.toString(StandardCharsets.UTF_8);
        if (line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        List<String> names = new ArrayList<>();
        if (line.isBlank()) {
            return names;
        }
        StringBuilder name = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    name.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                names.add(name.toString().trim());
                name.setLength(0);
            } else {
                name.append(c);
            }
        }
        names.add(name.toString().trim());
        return names;
    }
}
