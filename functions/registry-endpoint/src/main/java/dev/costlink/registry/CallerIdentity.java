package dev.costlink.registry;

/** Who STS says signed a proof: GetCallerIdentityResult's Arn and Account. */
record CallerIdentity(String arn, String account) {}
