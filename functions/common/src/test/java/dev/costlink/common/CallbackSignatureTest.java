package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CallbackSignatureTest {
    // Expected values computed independently with Python's hmac and hashlib modules.
    private static final String SECRET = "ext-id-Example_123";
    private static final byte[] BODY = "{\"type\":\"connection.created\"}".getBytes(StandardCharsets.UTF_8);
    private static final long TS = 1767225600L;
    private static final String EXPECTED = "v1=400cead53a5eec160ca287f3e7cdeb976aeb50fffe2c63227d76f5052b581ea6";

    @Test
    void signsTimestampDotBodyWithTheExternalId() {
        assertEquals(EXPECTED, CallbackSignature.sign(SECRET, TS, BODY));
    }

    @Test
    void verifiesItsOwnSignatureAndRejectsTampering() {
        assertTrue(CallbackSignature.verify(SECRET, TS, BODY, EXPECTED));
        assertFalse(CallbackSignature.verify(SECRET, TS + 1, BODY, EXPECTED), "timestamp is signed");
        assertFalse(CallbackSignature.verify("other-secret", TS, BODY, EXPECTED), "key matters");
        assertFalse(CallbackSignature.verify(SECRET, TS, "{}".getBytes(StandardCharsets.UTF_8), EXPECTED));
    }

    @Test
    void rejectsMalformedHeadersWithoutThrowing() {
        assertFalse(CallbackSignature.verify(SECRET, TS, BODY, null));
        assertFalse(CallbackSignature.verify(SECRET, TS, BODY, ""));
        assertFalse(CallbackSignature.verify(SECRET, TS, BODY, "v2=" + EXPECTED.substring(3)));
        assertFalse(CallbackSignature.verify(SECRET, TS, BODY, "v1=zz"));
        assertFalse(CallbackSignature.verify(SECRET, TS, BODY, "v1=abc"));
    }

    @Test
    void hashesTheExternalIdSoTheSecretNeverTravels() {
        assertEquals("655d4eafc868327a212ccabe27f7ed7224914339900da9ed8b1050edfed56b33",
                CallbackSignature.sha256Hex(SECRET));
    }

    @Test
    void refusesToSignWithoutASecret() {
        assertThrows(IllegalArgumentException.class, () -> CallbackSignature.sign("", TS, BODY));
    }
}
