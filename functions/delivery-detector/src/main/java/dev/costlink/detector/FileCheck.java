package dev.costlink.detector;

import java.util.List;

/**
 * What one data file turned out to hold. {@code rows} is null when it cannot be known without a download (a large
 * compressed CSV), {@code columns} null when they were not reached; {@code problem} is null when the file is sound.
 */
public record FileCheck(long size, Long rows, List<String> columns, String problem) {
    static FileCheck broken(long size, String problem) {
        return new FileCheck(size, null, null, problem);
    }
}
