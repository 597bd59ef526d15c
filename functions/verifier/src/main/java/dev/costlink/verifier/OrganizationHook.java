package dev.costlink.verifier;

import java.time.Instant;

/**
 * What the worker does for a connection's organisation before its checks, once per run (a redelivered message of a
 * run already recorded does not repeat it). An exception fails the message, which SQS redelivers.
 */
public interface OrganizationHook {
    OrganizationHook NONE = (c, asOf) -> { };

    void beforeChecks(Connection c, Instant asOf);
}
