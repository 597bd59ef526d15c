package dev.costlink.detector;

import java.util.List;

/**
 * What one data file turned out to hold. {@code rows} is null when it cannot be known without a download (a large
 * compressed CSV), {@code columns} null when they were not reached; {@code problem} is null when the file is sound.
 * {@code changed}: the file was replaced while it was being read, so nothing is known of it.
 */
public record FileCheck(long size, Long rows, List<String> columns, String problem, boolean changed) {
    FileCheck(long size, Long rows, List<String> columns, String problem) {
        this(size, rows, columns, problem, false);
    }

    static FileCheck broken(long size, String problem) {
        return new FileCheck(size, null, null, problem);
    }

    static FileCheck replacedWhileRead() {
        return new FileCheck(0, null, null, null, true);
    }
}
