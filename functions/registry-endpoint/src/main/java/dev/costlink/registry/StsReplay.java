package dev.costlink.registry;

/**
 * Sends a proof that passed {@link IdentityProofCheck} to STS and says who signed it (step 4 of
 * docs/callback-contract.md's checks). An interface so the receiver's tests use an STS in memory.
 */
interface StsReplay {
    /**
     * STS's identity of the signer, or {@link Refused} with {@code IdentityRejected} (STS refuses the signature, the
     * token or the key) or {@code IdentityUnverifiable} (no answer, a 5xx, throttling, an unreadable answer).
     */
    CallerIdentity replay(IdentityProofCheck.Replayable proof) throws Refused;
}
