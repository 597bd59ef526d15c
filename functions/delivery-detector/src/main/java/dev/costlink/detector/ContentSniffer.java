package dev.costlink.detector;

/** Names what a file's first bytes say it is, to report a file that is not what its delivery says. */
final class ContentSniffer {
    private ContentSniffer() {}

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    static boolean isParquet(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'A' && b[2] == 'R' && (b[3] == '1' || b[3] == 'E');
    }

    /** "GZIP-compressed", "Parquet", "a ZIP archive" or "unrecognised" for the content starting with {@code b}. */
    static String describe(byte[] b) {
        if (isGzip(b)) {
            return "GZIP-compressed";
        }
        if (isZip(b)) {
            return "a ZIP archive";
        }
        if (isParquet(b)) {
            return "Parquet";
        }
        return "unrecognised";
    }
}
