package dev.costlink.callback;

/** The organisation's id ({@code o-...}) and its management account, as organizations:DescribeOrganization gives them. */
public record OrganizationIdentity(String organizationId, String managementAccountId) {}
