package dev.costlink.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/** The vendor endpoint rule: https only; plain http only to a loopback host, so that local tests can run. */
public final class CallbackUrl {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private CallbackUrl() {}

    public static URI parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("CallbackUrl is required");
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("CallbackUrl is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("CallbackUrl has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("CallbackUrl must not carry credentials");
        }
        if (scheme.equals("https") || (scheme.equals("http") && LOOPBACK.contains(host))) {
            return uri;
        }
        throw new IllegalArgumentException("CallbackUrl must use https (plain http is accepted only for a loopback host)");
    }

    /** What may be logged of a callback URL: scheme, host and port, never the path or query (they may hold tokens). */
    public static String redacted(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }
}
