package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

class CallerIdentityProofTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private static final AwsSessionCredentials SESSION = AwsSessionCredentials.create("ASIAEXAMPLE", "secret-key",
            "session-token");
    private static final byte[] BODY = "{\"type\":\"connection.created\"}".getBytes(StandardCharsets.UTF_8);

    private static Map<String, String> proof(byte[] body, String audience, URI endpoint) {
        return CallerIdentityProof.decode(CallerIdentityProof.sign(SESSION, "eu-west-1", endpoint, audience, body, CLOCK));
    }

    @Test
    void signsTheBodyHashAndTheAudienceIntoTheRequest() {
        Map<String, String> h = proof(BODY, "registry.example.com", URI.create("https://sts.eu-west-1.amazonaws.com/"));
        assertEquals(CallbackSignature.sha256Hex(BODY), h.get(CallerIdentityProof.BODY_SHA256_HEADER));
        assertEquals("registry.example.com", h.get(CallerIdentityProof.AUDIENCE_HEADER));
        assertEquals("sts.eu-west-1.amazonaws.com", h.get("host"));
        assertEquals("20261123T100000Z", h.get("x-amz-date"));
        assertEquals("session-token", h.get("x-amz-security-token"));
        String auth = h.get("authorization");
        assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261123/eu-west-1/sts/aws4_request"), auth);
        List<String> signed = Arrays.asList(auth.replaceAll(".*SignedHeaders=([^,]+),.*", "$1").split(";"));
        assertTrue(signed.containsAll(CallerIdentityProof.REQUIRED_SIGNED_HEADERS), signed.toString());
        assertTrue(signed.contains("x-amz-security-token"), signed.toString());
        assertFalse(auth.contains("secret-key"));
    }

    @Test
    void anotherBodyOrAudienceGivesAnotherSignature() {
        URI sts = URI.create("https://sts.eu-west-1.amazonaws.com/");
        String a = proof(BODY, "registry.example.com", sts).get("authorization");
        String otherBody = proof("{}".getBytes(StandardCharsets.UTF_8), "registry.example.com", sts).get("authorization");
        String otherAudience = proof(BODY, "evil.example.com", sts).get("authorization");
        assertNotEquals(a, otherBody);
        assertNotEquals(a, otherAudience);
        assertEquals(a, proof(BODY, "registry.example.com", sts).get("authorization"));
    }

    @Test
    void aLocalEndpointKeepsItsPortInTheHost() {
        Map<String, String> h = proof(BODY, "127.0.0.1:9000", URI.create("http://127.0.0.1:5000/"));
        assertEquals("127.0.0.1:5000", h.get("host"));
    }

    @Test
    void audienceIsTheHostWithAnExplicitPort() {
        assertEquals("abc.lambda-url.eu-west-1.on.aws",
                CallerIdentityProof.audience(URI.create("https://ABC.lambda-url.eu-west-1.on.aws/events?x=1")));
        assertEquals("127.0.0.1:8443", CallerIdentityProof.audience(URI.create("https://127.0.0.1:8443/")));
    }

    @Test
    void stsEndpointIsTheRegionalOneUnlessOverridden() {
        assertEquals(URI.create("https://sts.ap-south-2.amazonaws.com/"),
                CallerIdentityProof.stsEndpoint(Map.of(), "ap-south-2"));
        assertEquals(URI.create("http://127.0.0.1:5000/"),
                CallerIdentityProof.stsEndpoint(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), "eu-west-1"));
        assertEquals(URI.create("http://127.0.0.1:6000/"), CallerIdentityProof.stsEndpoint(
                Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:6000/"),
                "eu-west-1"));
    }

    @Test
    void unreadableProofsAreRefusedWithoutQuotingThem() {
        for (String bad : new String[] {null, "", "v2.abc", "v1.!!!notbase64", "v1." + b64("[1]"),
                "v1." + b64("{\"headers\":{\"a\":1}}"), "v1." + b64("{\"headers\":{\"A\":\"1\",\"a\":\"2\"}}"),
                "v1." + "A".repeat(CallerIdentityProof.MAX_HEADER_CHARS)}) {
            CallerIdentityProof.Unreadable e = assertThrows(CallerIdentityProof.Unreadable.class,
                    () -> CallerIdentityProof.decode(bad));
            assertTrue(e.getMessage().startsWith(CallerIdentityProof.HEADER), e.getMessage());
            assertFalse(bad != null && bad.length() > 3 && e.getMessage().contains(bad.substring(3)), e.getMessage());
        }
    }

    private static String b64(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
