package dev.costlink.common;

import java.nio.charset.StandardCharsets;

/** Bounded strings for places with hard size limits (CloudFormation's 4096-byte response, log lines). */
public final class Text {
    private static final String ELLIPSIS = "...";

    private Text() {}

    /** At most {@code maxChars} characters, with "..." marking a cut. */
    public static String truncate(String value, int maxChars) {
        if (value == null || value.length() <= maxChars) {
            return value == null ? "" : value;
        }
        return value.substring(0, Math.max(0, maxChars - ELLIPSIS.length())) + ELLIPSIS;
    }

    /** At most {@code maxBytes} bytes of UTF-8, cut on a character boundary, with "..." marking a cut. */
    public static String truncateUtf8(String value, int maxBytes) {
        if (value == null) {
            return "";
        }
        if (value.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return value;
        }
        int budget = Math.max(0, maxBytes - ELLIPSIS.length());
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + size > budget) {
                break;
            }
            out.appendCodePoint(cp);
            used += size;
            i += Character.charCount(cp);
        }
        return out.append(ELLIPSIS).toString();
    }
}
