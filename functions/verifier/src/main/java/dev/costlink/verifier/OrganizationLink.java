package dev.costlink.verifier;

/**
 * A connection's place in an organisation: the payer of one ({@code organization}, from its facts), a member account
 * the verifier connected through a payer ({@code payerConnection}, the payer's registry key), or neither. A payer
 * whose facts no longer name an organisation but whose item still holds a coverage ({@code formerPayer}) had its
 * organisation turned off: its members are retired.
 */
public record OrganizationLink(OrganizationFacts organization, String payerConnection, boolean formerPayer) {
    public static final OrganizationLink NONE = new OrganizationLink(null, null, false);

    public boolean isPayer() {
        return organization != null;
    }

    public boolean isMember() {
        return payerConnection != null;
    }
}
