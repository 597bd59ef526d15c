package dev.costlink.registry;

/**
 * Asks the verifier to prove a PENDING connection now (its queue), best effort: a request that cannot be sent is logged
 * by the implementation and changes nothing, since the verifier's next scheduled run proves PENDING connections anyway.
 */
interface VerificationRequests {
    void request(String tenant, String connectionKey);
}
