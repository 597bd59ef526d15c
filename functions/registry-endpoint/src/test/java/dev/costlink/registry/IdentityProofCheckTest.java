package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.CallerIdentityProof;
import dev.costlink.common.Json;
import dev.costlink.registry.Verdict.Refusal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityProofCheckTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final byte[] BODY = "{\"type\":\"connection.created\"}".getBytes(StandardCharsets.UTF_8);
    final IdentityProofCheck regional = new IdentityProofCheck(null, null);

    static String proof(Instant at) {
        return Proofs.sign(Proofs.CALLBACK_KEY, BODY, at);
    }

    Refusal refusal(IdentityProofCheck check, String header, byte[] body, String host, Instant now) {
        return assertThrows(Refused.class, () -> check.check(header, body, host, now)).refusal;
    }

    /** The proof's headers, changed by {@code edit}, encoded again (a hand-made proof). */
    static String edited(String header, java.util.function.Consumer<Map<String, String>> edit) {
        Map<String, String> headers = new LinkedHashMap<>(CallerIdentityProof.decode(header));
        edit.accept(headers);
        return "v1." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Json.writeString(Map.of("headers", headers)).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGoodProofIsReplayedToTheRegionalEndpointItWasSignedFor() throws Refused {
        IdentityProofCheck.Replayable r = regional.check(proof(NOW), BODY, Proofs.AUDIENCE, NOW);
        assertEquals(URI.create("https://sts.us-east-1.amazonaws.com/"), r.endpoint());
        assertFalse(r.headers().containsKey("host"), "the connection sets host from the validated endpoint");
        assertTrue(r.headers().get("authorization").startsWith("AWS4-HMAC-SHA256 Credential=" + Proofs.CALLBACK_KEY));
        for (String h : new String[] {"x-amz-date", "x-amz-security-token", CallerIdentityProof.BODY_SHA256_HEADER,
                CallerIdentityProof.AUDIENCE_HEADER, "content-type"}) {
            assertTrue(r.headers().containsKey(h), h);
        }
    }

    @Test
    void missingAndUnreadable() {
        assertEquals(Refusal.IDENTITY_MISSING, refusal(regional, null, BODY, Proofs.AUDIENCE, NOW));
        assertEquals(Refusal.IDENTITY_MISSING, refusal(regional, "", BODY, Proofs.AUDIENCE, NOW));
        for (String bad : new String[] {"v2.abc", "v1.!!!", "v1." + "A".repeat(9000), "v1.e30"}) {
            assertEquals(Refusal.IDENTITY_UNREADABLE, refusal(regional, bad, BODY, Proofs.AUDIENCE, NOW), bad);
        }
    }

    @Test
    void everyRequiredHeaderMustBeSigned() {
        for (String required : new String[] {"host", "x-amz-date", CallerIdentityProof.BODY_SHA256_HEADER,
                CallerIdentityProof.AUDIENCE_HEADER, "x-amz-security-token"}) {
            String unsigned = edited(proof(NOW), h -> h.put("authorization", h.get("authorization")
                    .replace(required + ";", "").replace(";" + required, "")));
            Refused r = assertThrows(Refused.class, () -> regional.check(unsigned, BODY, Proofs.AUDIENCE, NOW));
            assertEquals(Refusal.IDENTITY_UNREADABLE, r.refusal, required);
            assertTrue(r.getMessage().contains("does not sign " + required), r.getMessage());
        }
    }

    @Test
    void aSignedHeaderTheProofDoesNotCarryIsUnreadable() {
        String missing = edited(proof(NOW), h -> h.remove("content-type"));
        assertEquals(Refusal.IDENTITY_UNREADABLE, refusal(regional, missing, BODY, Proofs.AUDIENCE, NOW));
    }

    @Test
    void aProofForAnotherServiceOrWithControlCharactersIsUnreadable() {
        String s3 = edited(proof(NOW), h -> h.put("authorization", h.get("authorization").replace("/sts/", "/s3/")));
        assertEquals(Refusal.IDENTITY_UNREADABLE, refusal(regional, s3, BODY, Proofs.AUDIENCE, NOW));
        String crlf = edited(proof(NOW), h -> h.put("content-type", "text/plain\r\nX-Injected: 1"));
        assertEquals(Refusal.IDENTITY_UNREADABLE, refusal(regional, crlf, BODY, Proofs.AUDIENCE, NOW));
    }

    @Test
    void theBodyMustBeTheOneSigned() {
        assertEquals(Refusal.IDENTITY_WRONG_BODY,
                refusal(regional, proof(NOW), "{\"type\":\"connection.deleted\"}".getBytes(), Proofs.AUDIENCE, NOW));
    }

    @Test
    void theAudienceIsTheRequestsHostOrTheConfiguredOne() throws Refused {
        assertEquals(Refusal.IDENTITY_WRONG_AUDIENCE, refusal(regional, proof(NOW), BODY, "other.example", NOW));
        assertEquals(Refusal.IDENTITY_WRONG_AUDIENCE, refusal(regional, proof(NOW), BODY, null, NOW));
        regional.check(proof(NOW), BODY, "REGISTRY.example", NOW);
        IdentityProofCheck configured = new IdentityProofCheck(null, Proofs.AUDIENCE);
        configured.check(proof(NOW), BODY, "lambda-url.us-east-1.on.aws", NOW);
        IdentityProofCheck other = new IdentityProofCheck(null, "registry.another-vendor.example");
        assertEquals(Refusal.IDENTITY_WRONG_AUDIENCE, refusal(other, proof(NOW), BODY, Proofs.AUDIENCE, NOW));
    }

    @Test
    void fifteenMinutesBackAndFiveAheadAreTheWindow() throws Refused {
        regional.check(proof(NOW.minus(IdentityProofCheck.MAX_AGE)), BODY, Proofs.AUDIENCE, NOW);
        regional.check(proof(NOW.plus(IdentityProofCheck.MAX_AHEAD)), BODY, Proofs.AUDIENCE, NOW);
        Duration second = Duration.ofSeconds(1);
        assertEquals(Refusal.IDENTITY_EXPIRED, refusal(regional,
                proof(NOW.minus(IdentityProofCheck.MAX_AGE).minus(second)), BODY, Proofs.AUDIENCE, NOW));
        assertEquals(Refusal.IDENTITY_EXPIRED, refusal(regional,
                proof(NOW.plus(IdentityProofCheck.MAX_AHEAD).plus(second)), BODY, Proofs.AUDIENCE, NOW));
    }

    @Test
    void onlyTheRegionalStsOfTheSigningRegionInAws() {
        String elsewhere = Proofs.sign(Proofs.CALLBACK_KEY, BODY, NOW, URI.create("https://sts.amazonaws.com.evil.example/"),
                Proofs.AUDIENCE);
        assertEquals(Refusal.IDENTITY_WRONG_ENDPOINT, refusal(regional, elsewhere, BODY, Proofs.AUDIENCE, NOW));
        String anotherRegion = Proofs.sign(Proofs.CALLBACK_KEY, BODY, NOW, URI.create("https://sts.eu-west-1.amazonaws.com/"),
                Proofs.AUDIENCE);
        assertEquals(Refusal.IDENTITY_WRONG_ENDPOINT, refusal(regional, anotherRegion, BODY, Proofs.AUDIENCE, NOW),
                "signed for us-east-1, sent to eu-west-1");
        assertNull(regional.endpoint("sts.us-east-1.amazonaws.com", "us-east-1.evil"));
        assertNull(regional.endpoint("sts.amazonaws.com", "us-east-1"), "the global endpoint is not regional");
    }

    @Test
    void aLocalCloudAllowsExactlyItsOwnEndpoint() throws Refused {
        IdentityProofCheck local = IdentityProofCheck.from(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));
        String signed = Proofs.sign(Proofs.CALLBACK_KEY, BODY, NOW, URI.create("http://127.0.0.1:5000/"), Proofs.AUDIENCE);
        assertEquals(URI.create("http://127.0.0.1:5000/"), local.check(signed, BODY, Proofs.AUDIENCE, NOW).endpoint());
        String otherPort = Proofs.sign(Proofs.CALLBACK_KEY, BODY, NOW, URI.create("http://127.0.0.1:5001/"), Proofs.AUDIENCE);
        assertEquals(Refusal.IDENTITY_WRONG_ENDPOINT, refusal(local, otherPort, BODY, Proofs.AUDIENCE, NOW));
        assertEquals(Refusal.IDENTITY_WRONG_ENDPOINT, refusal(local, proof(NOW), BODY, Proofs.AUDIENCE, NOW),
                "a local cloud does not call real STS");
        IdentityProofCheck specific = IdentityProofCheck.from(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000",
                "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5001"));
        assertEquals(URI.create("http://127.0.0.1:5001/"), specific.check(otherPort, BODY, Proofs.AUDIENCE, NOW).endpoint());
    }

    @Test
    void theOrderOfTheChecksIsTheContracts() {
        String stale = proof(NOW.minus(Duration.ofHours(1)));
        assertEquals(Refusal.IDENTITY_WRONG_BODY, refusal(regional, stale, "{}".getBytes(), "other.example", NOW));
        assertEquals(Refusal.IDENTITY_WRONG_AUDIENCE, refusal(regional, stale, BODY, "other.example", NOW));
    }

    @Test
    void refusalsNeverQuoteTheProof() {
        String secretish = edited(proof(NOW), h -> h.put("x-amz-security-token", "cl-Secret\u0001Token"));
        Refused r = assertThrows(Refused.class, () -> regional.check(secretish, BODY, Proofs.AUDIENCE, NOW));
        assertFalse(r.getMessage().contains("cl-Secret"), r.getMessage());
    }
}
