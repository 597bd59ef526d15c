package dev.costlink.verifier;

import java.time.Instant;

/**
 * What the verifier needs of one registered connection: its tenant, its registry key ({@code <account>#<role ARN>}),
 * its id ({@code costlink-<account>-<hash>}, the one customers see), the role, its billing facts, its health, and its
 * place in an organisation (a payer, a member, or neither).
 */
public record Connection(Tenant tenant, String key, String id, String accountId, String roleArn, Instant registeredAt,
                         BillingFacts billing, HealthState health, OrganizationLink organization) {}
