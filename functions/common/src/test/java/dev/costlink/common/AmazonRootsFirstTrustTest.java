package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

/**
 * Test chains under src/test/resources/dev/costlink/common/trust, made with keytool: a leaf (CN=localhost) under
 * "anchor root", another under "other root".
 */
class AmazonRootsFirstTrustTest {
    private static final String AUTH = "ECDHE_ECDSA";

    @Test
    void aChainUnderTheFirstRootsNeverReadsTheFallback() throws Exception {
        AtomicInteger fallbackReads = new AtomicInteger();
        var trust = new AmazonRootsFirstTrust(over("anchor-root.pem"), counting(fallbackReads, over("other-root.pem")));

        trust.checkServerTrusted(chain("anchor"), AUTH);

        assertEquals(0, fallbackReads.get());
    }

    @Test
    void anyOtherChainGetsTheFallbacksVerdict() throws Exception {
        AtomicInteger fallbackReads = new AtomicInteger();
        var accepting = new AmazonRootsFirstTrust(over("anchor-root.pem"),
                counting(fallbackReads, over("other-root.pem")));
        accepting.checkServerTrusted(chain("other"), AUTH);
        assertEquals(1, fallbackReads.get());

        X509ExtendedTrustManager anchorOnly = over("anchor-root.pem");
        var refusing = new AmazonRootsFirstTrust(anchorOnly, () -> anchorOnly);
        assertThrows(CertificateException.class, () -> refusing.checkServerTrusted(chain("other"), AUTH));
    }

    @Test
    void bundledRootsAreAwsRootsTheJdkAlreadyTrusts() {
        List<X509Certificate> bundled = AmazonRootsFirstTrust.bundledRoots();
        Set<String> subjects = bundled.stream().map(c -> c.getSubjectX500Principal().getName())
                .collect(Collectors.toSet());
        assertEquals(Set.of("CN=Amazon Root CA 1,O=Amazon,C=US", "CN=Amazon Root CA 2,O=Amazon,C=US",
                "CN=Amazon Root CA 3,O=Amazon,C=US", "CN=Amazon Root CA 4,O=Amazon,C=US",
                "CN=Starfield Services Root Certificate Authority - G2,O=Starfield Technologies\\, Inc.,"
                        + "L=Scottsdale,ST=Arizona,C=US"), subjects);
        // Nothing the JDK's default would refuse: every bundled root is one of its own anchors.
        Set<X509Certificate> jdk = Set.of(AmazonRootsFirstTrust.trustManager(null).getAcceptedIssuers());
        for (X509Certificate root : bundled) {
            assertTrue(jdk.contains(root), root.getSubjectX500Principal().getName());
        }
    }

    @Test
    void forAwsEndpointsIsOneTrustManagerATlsContextTakes() throws Exception {
        TrustManager[] managers = AmazonRootsFirstTrust.forAwsEndpoints();
        assertEquals(1, managers.length);
        assertInstanceOf(AmazonRootsFirstTrust.class, managers[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, managers, null);
        assertTrue(tls.getSocketFactory() != null);
    }

    private static Supplier<X509ExtendedTrustManager> counting(AtomicInteger reads, X509ExtendedTrustManager tm) {
        return () -> {
            reads.incrementAndGet();
            return tm;
        };
    }

    private static X509ExtendedTrustManager over(String rootPem) throws Exception {
        return AmazonRootsFirstTrust.trustManager(AmazonRootsFirstTrust.keyStore(List.of(read(rootPem))));
    }

    private static X509Certificate[] chain(String ca) throws Exception {
        return new X509Certificate[] {read(ca + "-leaf.pem"), read(ca + "-root.pem")};
    }

    private static X509Certificate read(String name) throws IOException, CertificateException {
        try (InputStream in = AmazonRootsFirstTrustTest.class.getResourceAsStream("trust/" + name)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
