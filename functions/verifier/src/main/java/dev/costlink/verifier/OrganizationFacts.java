package dev.costlink.verifier;

import java.util.List;

/**
 * A payer connection's organisation, as its stack reported it (RegistrySchema.Organization): the StackSet deploys the
 * member role {@code memberRoleName} to every account of {@code targets} (OU ids, or the root id for every account)
 * and their child OUs, never to the management account.
 */
public record OrganizationFacts(String organizationId, String stackSetId, List<String> targets,
                                String memberRoleName) {
    public OrganizationFacts {
        targets = List.copyOf(targets);
    }

    /** A root id among the targets: every account of the organisation. */
    public boolean wholeOrganization() {
        return targets.stream().anyMatch(t -> t.startsWith("r-"));
    }

    /** The member role in {@code accountId}, in the payer role's partition. */
    public String memberRoleArn(String payerRoleArn, String accountId) {
        String[] parts = payerRoleArn.split(":", 3);
        String partition = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : "aws";
        return "arn:" + partition + ":iam::" + accountId + ":role/" + memberRoleName;
    }

    /** True when the registry holds what the verifier needs: targets and the member role's name. */
    public boolean usable() {
        return !targets.isEmpty() && memberRoleName != null && !memberRoleName.isBlank();
    }
}
