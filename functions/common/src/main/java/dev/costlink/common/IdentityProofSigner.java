package dev.costlink.common;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs the {@link CallerIdentityProof} of an event with the function's own execution-role credentials: Lambda's
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), read on first use and kept for the
 * execution environment, whose credentials Lambda does not change while it lives.
 */
public final class IdentityProofSigner implements EventSigner {
    private static final Lazy<AwsCredentialsIdentity> LAMBDA_CREDENTIALS =
            new Lazy<>(() -> EnvironmentVariableCredentialsProvider.create().resolveCredentials());

    private final Supplier<? extends AwsCredentialsIdentity> credentials;
    private final String region;
    private final URI stsEndpoint;
    private final String audience;

    IdentityProofSigner(Supplier<? extends AwsCredentialsIdentity> credentials, String region, URI stsEndpoint,
                        URI registryUrl) {
        this.credentials = credentials;
        this.region = region;
        this.stsEndpoint = stsEndpoint;
        this.audience = CallerIdentityProof.audience(registryUrl);
    }

    /** The proof for events posted to {@code registryUrl}, signed for the STS endpoint of the function's region. */
    public static IdentityProofSigner forLambda(URI registryUrl) {
        return forEnvironment(registryUrl, System.getenv(), LAMBDA_CREDENTIALS);
    }

    /** As {@link #forLambda}, from {@code env} and {@code credentials} (tests sign with credentials they choose). */
    public static IdentityProofSigner forEnvironment(URI registryUrl, Map<String, String> env,
                                              Supplier<? extends AwsCredentialsIdentity> credentials) {
        String region = env.get("AWS_REGION");
        region = region == null || region.isBlank() ? "us-east-1" : region;
        return new IdentityProofSigner(credentials, region, CallerIdentityProof.stsEndpoint(env, region), registryUrl);
    }

    @Override
    public Map<String, String> headers(byte[] body, Instant at) {
        AwsCredentialsIdentity identity;
        try {
            identity = credentials.get();
        } catch (RuntimeException e) {
            // The provider's message names where it looked; the class is enough and can carry nothing secret.
            throw new NotSigned("no AWS credentials to sign the proof of origin (" + e.getClass().getSimpleName()
                    + ")");
        }
        if (identity == null) {
            throw new NotSigned("no AWS credentials to sign the proof of origin");
        }
        try {
            return Map.of(CallerIdentityProof.HEADER, CallerIdentityProof.sign(identity, region, stsEndpoint, audience,
                    body, Clock.fixed(at, ZoneOffset.UTC)));
        } catch (RuntimeException e) {
            throw new NotSigned("the proof of origin could not be signed (" + e.getClass().getSimpleName() + ")");
        }
    }
}
