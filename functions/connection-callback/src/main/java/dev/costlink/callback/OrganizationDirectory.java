package dev.costlink.callback;

/** Who the stack's organisation is. Asked only for an organisation's Create or Update. */
@FunctionalInterface
public interface OrganizationDirectory {
    /** The organisation of the account the function runs in; throws when it cannot be told. */
    OrganizationIdentity describe();
}
