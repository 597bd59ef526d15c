package dev.costlink.callback;

import java.util.List;

/**
 * A payer stack's organisation option, from its properties: where the stack runs, the StackSet that deploys the member
 * role, its targets (OU and root ids), the member role's name and its permission sets. The organisation's id and
 * management account are not properties: {@link OrganizationLookup} asks AWS Organizations for them.
 */
public record OrganizationFacts(String deploymentAccount, String stackSetId, List<String> targets, String memberRoleName,
                                List<String> memberPermissionSets) {}
