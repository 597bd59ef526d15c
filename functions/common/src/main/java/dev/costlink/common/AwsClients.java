package dev.costlink.common;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The one place SDK clients are configured, for a short cold start: the JDK's URL-connection HTTP client (no
 * classpath scan for another) trusting AWS's root CAs before it ever reads the JDK's whole trust store
 * ({@link AmazonRootsFirstTrust}), credentials and region read straight from Lambda's environment (no provider
 * chain), and AWS_ENDPOINT_URL honoured so tests can point every client at the local emulator.
 */
public final class AwsClients {
    private static final Lazy<SdkHttpClient> HTTP = new Lazy<>(() -> UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(Duration.ofSeconds(15))
            .tlsTrustManagersProvider(AmazonRootsFirstTrust::forAwsEndpoints)
            .build());

    private AwsClients() {}

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder) {
        return configure(builder, null);
    }

    /**
     * As {@link #configure(AwsClientBuilder)}, honouring {@code AWS_ENDPOINT_URL_<serviceId>} first (the AWS SDKs'
     * service-specific endpoint variable), for a service that has its own local emulator.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder,
                                                                                               String serviceId) {
        builder.httpClient(HTTP.get())
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .region(Region.of(env("AWS_REGION", "us-east-1")));
        String specific = serviceId == null ? null : System.getenv("AWS_ENDPOINT_URL_" + serviceId);
        String endpoint = specific != null && !specific.isBlank() ? specific : System.getenv("AWS_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder;
    }

    /** True when clients talk to a local emulator (tests): S3 then needs path-style addressing. */
    public static boolean emulated() {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        return endpoint != null && !endpoint.isBlank();
    }


    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
