package dev.costlink.registry;

import dev.costlink.common.CallerIdentityProof;
import dev.costlink.common.StackFunctionRoles;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Proofs of origin for the registry's tests, signed by the real signer (CallerIdentityProof), and an STS in memory that
 * knows which identity each access key belongs to, as STS does.
 */
final class Proofs {
    static final String REGION = "us-east-1";
    static final URI STS = URI.create("https://sts.us-east-1.amazonaws.com/");
    static final String AUDIENCE = "registry.example";
    static final String CALLBACK_KEY = "ASIACALLBACK00000001";
    static final String DETECTOR_KEY = "ASIADETECTOR00000001";
    static final String OTHER_ACCOUNT_KEY = "ASIAOTHERACCOUNT0001";
    static final String OTHER_ROLE_KEY = "ASIAOTHERROLE0000001";

    private Proofs() {}

    static String sign(String accessKey, byte[] body, Instant at) {
        return sign(accessKey, body, at, STS, AUDIENCE);
    }

    static String sign(String accessKey, byte[] body, Instant at, URI sts, String audience) {
        return CallerIdentityProof.sign(AwsSessionCredentials.create(accessKey, "secret-" + accessKey, "token-" + accessKey),
                REGION, sts, audience, body, Clock.fixed(at, ZoneOffset.UTC));
    }

    static CallerIdentity assumedRole(String account, String role) {
        return new CallerIdentity("arn:aws:sts::" + account + ":assumed-role/" + role + "/" + role + "-function", account);
    }

    /** STS in memory: the identity of each access key (an unknown key is refused, like InvalidClientTokenId). */
    static final class FakeSts implements StsReplay {
        private static final Pattern KEY = Pattern.compile("Credential=([A-Z0-9]+)/");
        final Map<String, CallerIdentity> identities = new HashMap<>();
        final List<IdentityProofCheck.Replayable> replays = new ArrayList<>();
        /** When set, every replay fails so (STS down, throttling). */
        Refused failure;

        FakeSts(String account, String stackId) {
            identities.put(CALLBACK_KEY, assumedRole(account, StackFunctionRoles.callbackRole(stackId)));
            identities.put(DETECTOR_KEY, assumedRole(account, StackFunctionRoles.detectorRole(stackId)));
            identities.put(OTHER_ACCOUNT_KEY, assumedRole("444455556666", StackFunctionRoles.callbackRole(stackId)));
            identities.put(OTHER_ROLE_KEY, assumedRole(account, "Admin"));
        }

        @Override
        public CallerIdentity replay(IdentityProofCheck.Replayable proof) throws Refused {
            replays.add(proof);
            if (failure != null) {
                throw failure;
            }
            Matcher key = KEY.matcher(proof.headers().get("authorization"));
            CallerIdentity identity = key.find() ? identities.get(key.group(1)) : null;
            if (identity == null) {
                throw new Refused(Verdict.Refusal.IDENTITY_REJECTED, "STS refused the proof (InvalidClientTokenId)");
            }
            return identity;
        }
    }

    /** The verification requests the receiver asked for: tenant and connection key. */
    static final class RecordedVerifications implements VerificationRequests {
        final List<List<String>> requests = new ArrayList<>();

        @Override
        public void request(String tenant, String connectionKey) {
            requests.add(List.of(tenant, connectionKey));
        }
    }
}
