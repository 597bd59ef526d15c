package dev.costlink.verifier;

import java.util.Map;

/** AWS Organizations' refusals that come from the customer's side, in plain words; others are not the customer's. */
final class OrganizationRefusals {
    private static final Map<String, String> CAUSES = Map.of(
            "AccessDeniedException", "the payer role may not list the organisation's accounts: its core permission "
                    + "set grants organizations:ListAccounts, but only the management account or a delegated "
                    + "administrator may call it, and an SCP may deny it",
            "AWSOrganizationsNotInUseException", "the payer's account is no longer in an organisation",
            "ParentNotFoundException", "a target OU or root id of the connection stack no longer exists in the "
                    + "organisation: update OrganizationTargets",
            "TargetNotFoundException", "a target OU or root id of the connection stack no longer exists in the "
                    + "organisation: update OrganizationTargets",
            "InvalidInputException", "a target of the connection stack is not an OU or root id of this organisation: "
                    + "update OrganizationTargets");

    private OrganizationRefusals() {}

    /**
     * The cause for an error the customer must act on, or null for throttling and service errors. A 403 is access
     * denied whatever its code says (AccessDeniedException from Organizations, AccessDenied from IAM's evaluation).
     */
    static String explain(String errorCode, int httpStatus) {
        if (httpStatus == 403) {
            return CAUSES.get("AccessDeniedException");
        }
        return errorCode == null ? null : CAUSES.get(errorCode);
    }
}
