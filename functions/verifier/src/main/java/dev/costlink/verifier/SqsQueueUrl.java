package dev.costlink.verifier;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A queue URL the registry holds (reported by a customer's stack, so untrusted), accepted only as an SQS queue of the
 * connection's own account in the connection stack's region: {@code https://sqs.<region>.amazonaws.com[.cn]/<account>/
 * <queue name>}, with no port, user, query or fragment. The verifier calls SQS with {@link #canonical()}, rebuilt from
 * the checked parts, never with the text it was given; and the refusal's message never quotes that text.
 */
public record SqsQueueUrl(String region, String account, String name, String domain) {
    static final int MAX_LENGTH = 2048;
    private static final Pattern HOST = Pattern.compile("sqs\\.([a-z]{2}(?:-[a-z]+)+-\\d{1,2})\\.(amazonaws\\.com(?:\\.cn)?)");
    /** SQS queue names (CreateQueue): alphanumerics, hyphens and underscores, a FIFO queue's ending in {@code .fifo}. */
    private static final Pattern PATH = Pattern.compile("/(\\d{12})/([A-Za-z0-9_-]+(?:\\.fifo)?)");
    /** "A queue name can have up to 80 characters" (the .fifo suffix included). */
    static final int MAX_NAME = 80;

    /** Why a URL was not accepted; the message names the rule, never the URL. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    public static SqsQueueUrl of(String url, String account, String region) throws Refused {
        if (url == null || url.isBlank() || url.length() > MAX_LENGTH) {
            throw new Refused("it is not an SQS queue URL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("it is not a URL");
        }
        if (!"https".equals(uri.getScheme()) || uri.getRawUserInfo() != null || uri.getPort() != -1
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getHost() == null) {
            throw new Refused("it is not an https SQS queue URL without port, user, query or fragment");
        }
        Matcher host = HOST.matcher(uri.getHost());
        Matcher path = PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (!host.matches() || !path.matches() || path.group(2).length() > MAX_NAME) {
            throw new Refused("it is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)");
        }
        if (!path.group(1).equals(account)) {
            throw new Refused("the queue belongs to another account than the connection's");
        }
        if (region == null || region.isBlank()) {
            throw new Refused("the registry holds no region for the connection, so the queue's cannot be checked");
        }
        if (!host.group(1).equals(region)) {
            throw new Refused("the queue is in another region than the connection stack's");
        }
        return new SqsQueueUrl(host.group(1), path.group(1), path.group(2), host.group(2));
    }

    /** The URL rebuilt from its checked parts. */
    public String canonical() {
        return "https://sqs." + region + "." + domain + "/" + account + "/" + name;
    }
}
