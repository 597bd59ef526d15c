package dev.costlink.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The SDK clients' TLS trust: a server chain is checked against the roots AWS service endpoints chain to first (the
 * four Amazon Root CAs and Starfield Services Root G2, bundled in {@code aws-root-cas.pem}), and only a chain they do
 * not accept is handed to the JDK's default trust manager, whose verdict then stands. Every bundled root is also in
 * the JDK's trust store (a test checks it), so nothing is trusted that the default would refuse; what changes is the
 * cost: the JDK's default reads and parses its whole trust store (about 140 certificates) when the first SDK client
 * builds its TLS context, measured at 80-120 ms of an SDK function's cold start (docs/performance.md).
 */
public final class AmazonRootsFirstTrust extends X509ExtendedTrustManager {
    static final String BUNDLED_ROOTS = "aws-root-cas.pem";

    private final X509ExtendedTrustManager first;
    private final Supplier<X509ExtendedTrustManager> fallback;

    AmazonRootsFirstTrust(X509ExtendedTrustManager first, Supplier<X509ExtendedTrustManager> fallback) {
        this.first = first;
        this.fallback = fallback;
    }

    /** Amazon's roots first, the JDK's default trust store (read only if ever needed) after them. */
    public static TrustManager[] forAwsEndpoints() {
        return new TrustManager[] {new AmazonRootsFirstTrust(trustManager(keyStore(bundledRoots())),
                new Lazy<>(() -> trustManager(null)))};
    }

    static List<X509Certificate> bundledRoots() {
        try (InputStream in = AmazonRootsFirstTrust.class.getResourceAsStream(BUNDLED_ROOTS)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED_ROOTS + " is missing from the classpath");
            }
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> roots = new ArrayList<>();
            for (Certificate c : certs) {
                roots.add((X509Certificate) c);
            }
            return roots;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new IllegalStateException("unreadable " + BUNDLED_ROOTS, e);
        }
    }

    static KeyStore keyStore(List<X509Certificate> roots) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < roots.size(); i++) {
                store.setCertificateEntry("root-" + i, roots.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the trust store", e);
        }
    }

    /** The JDK's PKIX trust manager over {@code anchors}, or over its default trust store when null. */
    static X509ExtendedTrustManager trustManager(KeyStore anchors) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust manager", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            first.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException notOurs) {
            fallback.get().checkServerTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            first.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException notOurs) {
            fallback.get().checkServerTrusted(chain, authType, engine);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            first.checkServerTrusted(chain, authType);
        } catch (CertificateException notOurs) {
            fallback.get().checkServerTrusted(chain, authType);
        }
    }

    // A client never authenticates clients: these are the JDK default's answers, unchanged.
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        fallback.get().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        fallback.get().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        fallback.get().checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return fallback.get().getAcceptedIssuers();
    }
}
