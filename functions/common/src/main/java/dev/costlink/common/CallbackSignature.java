package dev.costlink.common;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one place that signs and verifies CostLink callbacks (docs/callback-contract.md):
 * {@code CostLink-Signature: v1=<hex HMAC-SHA256(key = ExternalId, message = timestamp + "." + raw body)>}.
 */
public final class CallbackSignature {
    public static final String TIMESTAMP_HEADER = "CostLink-Timestamp";
    public static final String SIGNATURE_HEADER = "CostLink-Signature";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final String SCHEME = "v1=";
    private static final HexFormat HEX = HexFormat.of();

    private CallbackSignature() {}

    /** The header value for {@code body} sent at {@code unixSeconds}. */
    public static String sign(String externalId, long unixSeconds, byte[] body) {
        return SCHEME + HEX.formatHex(hmac(externalId, unixSeconds, body));
    }

    /** Constant-time check of a received header value; false for any malformed header. */
    public static boolean verify(String externalId, long unixSeconds, byte[] body, String header) {
        if (header == null || !header.startsWith(SCHEME)) {
            return false;
        }
        byte[] received;
        try {
            received = HEX.parseHex(header.substring(SCHEME.length()));
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(hmac(externalId, unixSeconds, body), received);
    }

    /** Lowercase hex SHA-256 of a UTF-8 string: how a tenant is named without sending its ExternalId. */
    public static String sha256Hex(String value) {
        return sha256Hex(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Lowercase hex SHA-256 of bytes (an event body, as a proof of origin binds it). */
    public static String sha256Hex(byte[] value) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static byte[] hmac(String externalId, long unixSeconds, byte[] body) {
        if (externalId == null || externalId.isEmpty()) {
            throw new IllegalArgumentException("an ExternalId is required to sign or verify a callback");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(externalId.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }
}
