package dev.costlink.registry;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.CallerIdentityProof;
import dev.costlink.registry.Verdict.Refusal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry's local checks of an event's proof of origin (docs/callback-contract.md, step 2), cheap and before any
 * network call: the proof reads as a SigV4-signed STS request whose signed headers bind this very body, this registry
 * (its audience) and a fresh time, signed for an STS endpoint the registry itself trusts. What passes is the request to
 * replay, built from the validated host only: nothing else the sender sent chooses where the registry connects.
 */
final class IdentityProofCheck {
    static final Duration MAX_AGE = Duration.ofMinutes(15);
    static final Duration MAX_AHEAD = Duration.ofMinutes(5);
    static final String AUDIENCE_ENV = "COSTLINK_AUDIENCE";
    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=[A-Za-z0-9]{1,128}/"
            + "(\\d{8})/([a-z0-9-]{1,32})/([a-z0-9-]{1,32})/aws4_request, ?SignedHeaders=([a-z0-9;-]{1,1024}), ?"
            + "Signature=[0-9a-f]{64}");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7e]*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    /** A proof that passed the local checks: where to replay it and the headers to send (host excluded). */
    record Replayable(URI endpoint, Map<String, String> headers) {}

    /** The one STS endpoint a local cloud names (null in AWS: the regional endpoint of the signing region). */
    private final URI emulatedSts;
    /** The audience this registry answers to (null: the host of each request). */
    private final String audience;

    IdentityProofCheck(URI emulatedSts, String audience) {
        this.emulatedSts = emulatedSts;
        this.audience = audience == null ? null : audience.toLowerCase(Locale.ROOT);
    }

    /** From the registry's environment: AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL (tests), COSTLINK_AUDIENCE. */
    static IdentityProofCheck from(Map<String, String> env) {
        URI emulated = null;
        for (String name : List.of("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL")) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                URI uri = URI.create(value.trim());
                emulated = URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/");
                break;
            }
        }
        String audience = env.get(AUDIENCE_ENV);
        return new IdentityProofCheck(emulated, audience == null || audience.isBlank() ? null : audience.trim());
    }

    /**
     * {@code proofHeader}: the CostLink-Identity value (null when absent); {@code requestHost}: the host header the
     * sender connected to.
     */
    Replayable check(String proofHeader, byte[] body, String requestHost, Instant now) throws Refused {
        if (proofHeader == null || proofHeader.isEmpty()) {
            throw new Refused(Refusal.IDENTITY_MISSING, CallerIdentityProof.HEADER + " is required");
        }
        Map<String, String> headers;
        try {
            headers = CallerIdentityProof.decode(proofHeader);
        } catch (CallerIdentityProof.Unreadable e) {
            throw new Refused(Refusal.IDENTITY_UNREADABLE, e.getMessage());
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!HEADER_NAME.matcher(h.getKey()).matches() || !HEADER_VALUE.matcher(h.getValue()).matches()) {
                throw unreadable("holds a header name or value outside printable ASCII");
            }
        }
        String authorization = headers.get("authorization");
        Matcher auth = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (auth == null || !auth.matches()) {
            throw unreadable("has no AWS4-HMAC-SHA256 authorization");
        }
        String region = auth.group(2);
        if (!"sts".equals(auth.group(3))) {
            throw unreadable("is not signed for STS");
        }
        List<String> signed = List.of(auth.group(4).split(";"));
        for (String name : signed) {
            if (name.equals("authorization") || !headers.containsKey(name)) {
                throw unreadable("signs a header it does not carry");
            }
        }
        for (String required : CallerIdentityProof.REQUIRED_SIGNED_HEADERS) {
            if (!signed.contains(required)) {
                throw unreadable("does not sign " + required);
            }
        }
        if (headers.containsKey("x-amz-security-token") && !signed.contains("x-amz-security-token")) {
            throw unreadable("does not sign x-amz-security-token");
        }
        if (!CallbackSignature.sha256Hex(body).equals(headers.get(CallerIdentityProof.BODY_SHA256_HEADER))) {
            throw new Refused(Refusal.IDENTITY_WRONG_BODY, "the proof was signed for another body");
        }
        String expectedAudience = audience != null ? audience
                : requestHost == null ? null : requestHost.toLowerCase(Locale.ROOT);
        if (expectedAudience == null || !expectedAudience.equals(headers.get(CallerIdentityProof.AUDIENCE_HEADER))) {
            throw new Refused(Refusal.IDENTITY_WRONG_AUDIENCE, "the proof was signed for another audience");
        }
        Instant signedAt = amzDate(headers.get("x-amz-date"));
        if (signedAt == null) {
            throw unreadable("has no readable x-amz-date");
        }
        if (signedAt.isBefore(now.minus(MAX_AGE)) || signedAt.isAfter(now.plus(MAX_AHEAD))) {
            throw new Refused(Refusal.IDENTITY_EXPIRED, "the proof was signed more than " + MAX_AGE.toMinutes()
                    + " minutes ago or more than " + MAX_AHEAD.toMinutes() + " minutes ahead");
        }
        URI endpoint = endpoint(headers.get("host"), region);
        if (endpoint == null) {
            throw new Refused(Refusal.IDENTITY_WRONG_ENDPOINT, "the proof is signed for an STS endpoint the registry "
                    + "does not use");
        }
        Map<String, String> replay = new LinkedHashMap<>();
        for (String name : signed) {
            // The connection sets host (from the validated endpoint) and content-length (from the fixed body).
            if (!name.equals("host") && !name.equals("content-length")) {
                replay.put(name, headers.get(name));
            }
        }
        replay.put("authorization", authorization);
        return new Replayable(endpoint, Map.copyOf(replay));
    }

    /** Where to replay a proof signed for {@code host} in {@code region}, or null when that is not an allowed STS. */
    URI endpoint(String host, String region) {
        if (emulatedSts != null) {
            return CallerIdentityProof.hostHeader(emulatedSts).equals(host) ? emulatedSts : null;
        }
        if (!REGION.matcher(region).matches()) {
            return null;
        }
        String regional = "sts." + region + ".amazonaws.com";
        return regional.equals(host) ? URI.create("https://" + regional + "/") : null;
    }

    private static Instant amzDate(String text) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Refused unreadable(String problem) {
        return new Refused(Refusal.IDENTITY_UNREADABLE, CallerIdentityProof.HEADER + " " + problem);
    }
}
