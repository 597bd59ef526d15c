package dev.costlink.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict, small reader of STS's XML answers, for the two answers the registry reads: GetCallerIdentity's result (its
 * Arn and Account, each exactly once) and an error's Code. No XML library: the answer is short and fixed, and anything
 * that does not read exactly so is refused rather than guessed at.
 */
final class CallerIdentityXml {
    static final int MAX_CHARS = 16 * 1024;
    private static final Pattern RESULT = Pattern.compile(
            "<GetCallerIdentityResult>(.*?)</GetCallerIdentityResult>", Pattern.DOTALL);
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:(?:sts|iam)::\\d{12}:[!-~&&[^<>&]]{1,1024}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z.]{1,64}");

    private CallerIdentityXml() {}

    /** The identity of a GetCallerIdentity answer; IllegalArgumentException (no quote) when it does not read as one. */
    static CallerIdentity identity(String xml) {
        if (xml == null || xml.length() > MAX_CHARS) {
            throw new IllegalArgumentException("STS's answer is missing or too long");
        }
        Matcher result = RESULT.matcher(xml);
        if (!result.find()) {
            throw new IllegalArgumentException("STS's answer has no GetCallerIdentityResult");
        }
        String inner = result.group(1);
        if (result.find()) {
            throw new IllegalArgumentException("STS's answer has more than one GetCallerIdentityResult");
        }
        String arn = only(inner, "Arn", ARN);
        String account = only(inner, "Account", ACCOUNT);
        return new CallerIdentity(arn, account);
    }

    /** The Code of an STS ErrorResponse, or null when the answer names none readable. */
    static String errorCode(String xml) {
        if (xml == null || xml.length() > MAX_CHARS) {
            return null;
        }
        try {
            return only(xml, "Code", CODE);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String only(String xml, String element, Pattern value) {
        Matcher m = Pattern.compile("<" + element + ">([^<]*)</" + element + ">").matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("STS's answer has no " + element);
        }
        String text = m.group(1).trim();
        if (m.find()) {
            throw new IllegalArgumentException("STS's answer has more than one " + element);
        }
        if (!value.matcher(text).matches()) {
            throw new IllegalArgumentException("STS's answer has a malformed " + element);
        }
        return text;
    }
}
