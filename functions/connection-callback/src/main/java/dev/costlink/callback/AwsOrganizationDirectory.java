package dev.costlink.callback;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Organization;

/**
 * organizations:DescribeOrganization, which any account of an organisation may call (the management account and a
 * delegated administrator alike). The client is created on first use: only a stack with the organisation option asks.
 * A value outside the contract's patterns is dropped rather than reported.
 */
public final class AwsOrganizationDirectory implements OrganizationDirectory {
    private static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

    private final Lazy<OrganizationsClient> client =
            new Lazy<>(() -> AwsClients.configure(OrganizationsClient.builder()).build());

    @Override
    public OrganizationIdentity describe() {
        Organization organization = client.get().describeOrganization(r -> {}).organization();
        return new OrganizationIdentity(matching(ORGANIZATION_ID, organization.id()),
                matching(ACCOUNT_ID, organization.masterAccountId()));
    }

    private static String matching(Pattern pattern, String value) {
        return value != null && pattern.matcher(value).matches() ? value : null;
    }
}
