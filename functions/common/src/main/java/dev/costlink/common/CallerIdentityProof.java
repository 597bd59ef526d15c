package dev.costlink.common;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Proof of origin by AWS (docs/security.md): an {@code sts:GetCallerIdentity} request signed (SigV4, by the SDK's own
 * signer) with the sending function's execution-role credentials, never sent to STS by the sender. It binds, in signed
 * headers, the SHA-256 of the exact event body and the registry's audience (the host the event is posted to). The
 * registry replays it to STS, which answers who signed it.
 *
 * <p>Wire format: header {@value #HEADER}: {@code v1.} + base64url (no padding) of the JSON object
 * {@code {"headers": {name: value, ...}}} holding every header of the signed request (host, x-amz-date,
 * x-amz-security-token, authorization, content-type and the two CostLink headers). The method is POST, the path
 * {@code /}, the body {@value #STS_BODY}: fixed, so they are not sent.
 */
public final class CallerIdentityProof {
    public static final String HEADER = "CostLink-Identity";
    /** Signed: lowercase hex SHA-256 of the event body the proof was made for. */
    public static final String BODY_SHA256_HEADER = "x-costlink-body-sha256";
    /** Signed: the host (and port, if not the scheme's default) of the registry the event is sent to. */
    public static final String AUDIENCE_HEADER = "x-costlink-audience";
    public static final String STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";
    public static final String STS_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";
    /** Headers the registry requires among the signed ones (besides x-amz-security-token when a session signs). */
    public static final List<String> REQUIRED_SIGNED_HEADERS = List.of("host", "x-amz-date", BODY_SHA256_HEADER,
            AUDIENCE_HEADER);
    /** The largest header value the registry reads (a session token is about 1 KB; the whole proof about 2.5 KB). */
    public static final int MAX_HEADER_CHARS = 8 * 1024;
    private static final String VERSION = "v1.";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private CallerIdentityProof() {}

    /** Why a received proof cannot be read; its message names the problem, never the header's text. */
    public static final class Unreadable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public Unreadable(String message) {
            super(message);
        }
    }

    /** The audience of a registry URL: its host, with its port when one is given. */
    public static String audience(URI registryUrl) {
        String host = registryUrl.getHost().toLowerCase(Locale.ROOT);
        return registryUrl.getPort() < 0 ? host : host + ":" + registryUrl.getPort();
    }

    /**
     * The STS endpoint a proof is signed for: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL (a local emulator), else the
     * regional endpoint of {@code region} (aws partition).
     */
    public static URI stsEndpoint(Map<String, String> env, String region) {
        for (String name : List.of("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL")) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.endsWith("/") ? value : value + "/");
            }
        }
        return URI.create("https://sts." + region + ".amazonaws.com/");
    }

    /** The header value proving that {@code credentials} sent {@code body} to {@code audience}. */
    public static String sign(AwsCredentialsIdentity credentials, String region, URI stsEndpoint, String audience,
                              byte[] body, Clock clock) {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(stsEndpoint)
                .putHeader("Content-Type", STS_CONTENT_TYPE)
                .putHeader(BODY_SHA256_HEADER, CallbackSignature.sha256Hex(body))
                .putHeader(AUDIENCE_HEADER, audience)
                .build();
        SdkHttpRequest signed = SIGNER.sign(r -> r
                .identity(credentials)
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(STS_BODY))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                .request();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", hostHeader(stsEndpoint));
        signed.headers().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String json = Json.writeString(Map.of("headers", headers));
        return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The signed request's headers (names in lowercase) from a received header value. */
    public static Map<String, String> decode(String header) {
        if (header == null || header.isEmpty()) {
            throw new Unreadable(HEADER + " is required");
        }
        if (header.length() > MAX_HEADER_CHARS) {
            throw new Unreadable(HEADER + " is longer than " + MAX_HEADER_CHARS + " characters");
        }
        if (!header.startsWith(VERSION)) {
            throw new Unreadable(HEADER + " must start with v1.");
        }
        Map<String, Object> decoded;
        try {
            decoded = Json.parseObject(Base64.getUrlDecoder().decode(header.substring(VERSION.length())));
        } catch (IllegalArgumentException e) {
            throw new Unreadable(HEADER + " is not base64url-encoded JSON");
        }
        if (!(decoded.get("headers") instanceof Map<?, ?> raw)) {
            throw new Unreadable(HEADER + " has no headers object");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (!(e.getValue() instanceof String value)) {
                throw new Unreadable(HEADER + " has a header whose value is not a string");
            }
            if (headers.put(String.valueOf(e.getKey()).toLowerCase(Locale.ROOT), value) != null) {
                throw new Unreadable(HEADER + " names a header twice");
            }
        }
        return headers;
    }

    /** What the SigV4 signer puts in the host header: the port only when it is not the scheme's default. */
    public static String hostHeader(URI endpoint) {
        int port = endpoint.getPort();
        boolean standard = port < 0 || ("https".equals(endpoint.getScheme()) && port == 443)
                || ("http".equals(endpoint.getScheme()) && port == 80);
        return standard ? endpoint.getHost() : endpoint.getHost() + ":" + port;
    }
}
