package dev.costlink.verifier;

import java.text.Normalizer;

/**
 * The rule for an SNS Publish {@code Subject} (SNS API reference, Publish): ASCII text that begins with a letter,
 * number or punctuation mark, with no line breaks or control characters, less than 100 characters long. SNS refuses
 * the whole Publish otherwise (moto does not check it), so every subject is built here, whatever its parts hold.
 */
public final class SnsSubject {
    /** "Less than 100 characters long". */
    public static final int MAX_LENGTH = 99;
    /** A name is never cut below this many characters before the rest of the subject is cut instead. */
    static final int MIN_NAME = 16;
    private static final String CUT = "...";
    private static final String NO_NAME = "(unnamed)";

    private SnsSubject() {}

    /**
     * {@code before + name + after} within the limits: each part made printable ASCII, then the name shortened
     * (marked "...") so the fixed parts fit, and only if they still do not, the whole cut.
     */
    public static String of(String before, String name, String after) {
        String head = ascii(before, false);
        String tail = ascii(after, false);
        String middle = ascii(name, true);
        if (middle.isEmpty()) {
            middle = NO_NAME;
        }
        int budget = Math.max(MIN_NAME, MAX_LENGTH - head.length() - tail.length());
        if (middle.length() > budget) {
            middle = middle.substring(0, budget - CUT.length()).stripTrailing() + CUT;
        }
        String subject = head + middle + tail;
        if (subject.length() > MAX_LENGTH) {
            subject = subject.substring(0, MAX_LENGTH - CUT.length()).stripTrailing() + CUT;
        }
        subject = subject.strip();
        return subject.isEmpty() ? NO_NAME : subject;
    }

    /** True when SNS accepts {@code subject}: what {@link #of} always returns. */
    public static boolean isPublishable(String subject) {
        if (subject == null || subject.isEmpty() || subject.length() > MAX_LENGTH || subject.charAt(0) == ' ') {
            return false;
        }
        return subject.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    /**
     * Printable ASCII: letters lose their accents (é is e), invisible format characters are dropped, each run of
     * spaces, line breaks and control characters becomes one space, and any other character becomes '?'.
     */
    static String ascii(String text, boolean trim) {
        if (text == null) {
            return "";
        }
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (cp > 0x20 && cp < 0x7f) {
                out.append((char) cp);
            } else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
                if (out.isEmpty() || out.charAt(out.length() - 1) != ' ') {
                    out.append(' ');
                }
            } else if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK || type == Character.FORMAT) {
                continue;
            } else {
                out.append('?');
            }
        }
        return trim ? out.toString().strip() : out.toString();
    }
}
