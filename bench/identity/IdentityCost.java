package dev.costlink.registry;

import dev.costlink.common.CallbackSignature;
import dev.costlink.common.CallerIdentityProof;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * What the proof of origin costs, measured on the registry's and the senders' own classes (bench/identity_cost.py
 * compiles it beside the built registry function and runs it). Modes:
 * {@code first <sts> <key> <secret> <token>}: in a fresh JVM, the time to the first signed proof (the sender's
 * cold-start cost of signing); {@code warm <sts> <key> <secret> <token> <n>}: per-operation costs on a warm JVM —
 * signing, the registry's local checks, the HMAC, and the replay to the STS at {@code <sts>} (p50/p99).
 * Prints one line of "name value" pairs.
 */
public final class IdentityCost {
    private static final String AUDIENCE = "registry.example.com";

    private IdentityCost() {}

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        URI sts = URI.create(args[1]);
        AwsSessionCredentials session = AwsSessionCredentials.create(args[2], args[3], args[4]);
        byte[] body = ("{\"type\":\"delivery.completed\",\"pad\":\"" + "x".repeat(2_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        if (args[0].equals("first")) {
            CallerIdentityProof.sign(session, "us-east-1", sts, AUDIENCE, body, Clock.systemUTC());
            System.out.printf(Locale.ROOT, "first_sign_ms %.1f%n", (System.nanoTime() - start) / 1e6);
            return;
        }
        int n = Integer.parseInt(args[5]);
        IdentityProofCheck check = new IdentityProofCheck(sts, null);
        HttpStsReplay replay = new HttpStsReplay();
        String externalId = "cl-" + "k".repeat(40);
        String proof = null;
        long[] sign = new long[n];
        long[] local = new long[n];
        long[] hmac = new long[n];
        long[] round = new long[n];
        for (int warmup = 0; warmup < 2; warmup++) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                proof = CallerIdentityProof.sign(session, "us-east-1", sts, AUDIENCE, body, Clock.systemUTC());
                long t1 = System.nanoTime();
                IdentityProofCheck.Replayable replayable = check.check(proof, body, AUDIENCE, Instant.now());
                long t2 = System.nanoTime();
                String mac = CallbackSignature.sign(externalId, 1_700_000_000L, body);
                if (!CallbackSignature.verify(externalId, 1_700_000_000L, body, mac)) {
                    throw new IllegalStateException("HMAC did not verify");
                }
                long t3 = System.nanoTime();
                replay.replay(replayable);
                long t4 = System.nanoTime();
                sign[i] = t1 - t0;
                local[i] = t2 - t1;
                hmac[i] = t3 - t2;
                round[i] = t4 - t3;
            }
        }
        System.out.printf(Locale.ROOT, "sign_us %.1f local_us %.1f hmac_us %.1f replay_p50_ms %.2f replay_p99_ms %.2f "
                        + "proof_chars %d%n", p(sign, 50) / 1e3, p(local, 50) / 1e3, p(hmac, 50) / 1e3,
                p(round, 50) / 1e6, p(round, 99) / 1e6, proof.length());
    }

    private static long p(long[] samples, int percentile) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, Math.round(percentile / 100f * (sorted.length - 1)))];
    }
}
