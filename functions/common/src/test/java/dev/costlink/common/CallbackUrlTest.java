package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackUrlTest {
    @ParameterizedTest
    @ValueSource(strings = {"https://vendor.example.com/cb", "http://127.0.0.1:8080/cb", "http://localhost/cb",
            "http://[::1]:9000/cb"})
    void acceptsHttpsAndLoopbackHttp(String url) {
        assertEquals(URI.create(url), CallbackUrl.parse(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://vendor.example.com/cb", "ftp://vendor.example.com", "https://", "vendor.example.com",
            "https://user:pw@vendor.example.com/cb", "http://127.0.0.1.evil.example/cb", "", " "})
    void refusesEverythingElse(String url) {
        assertThrows(IllegalArgumentException.class, () -> CallbackUrl.parse(url));
    }

    @org.junit.jupiter.api.Test
    void redactionKeepsOnlyTheOrigin() {
        assertEquals("https://vendor.example.com:8443",
                CallbackUrl.redacted(URI.create("https://vendor.example.com:8443/cb?token=secret")));
    }
}
