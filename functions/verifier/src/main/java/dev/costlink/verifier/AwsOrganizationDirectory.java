package dev.costlink.verifier;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import dev.costlink.common.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.ChildType;
import software.amazon.awssdk.services.organizations.model.OrganizationsException;

/**
 * {@link OrganizationDirectory} through the payer's role (the core permission set grants the Organizations reads),
 * with the role session's credentials on each request, like {@link AwsCustomerAccount}. Every listing reads all its
 * pages of at most {@link #PAGE} (the service model's MaxResults) up to a bound: {@link #MAX_ACCOUNT_PAGES} pages of
 * accounts (20,000 accounts), {@link #MAX_UNIT_PAGES} of OUs per parent. Throttling and service errors are thrown
 * as they are (SQS redelivers the message); what the customer's side refuses is a {@link ListingRefused}.
 */
public final class AwsOrganizationDirectory implements OrganizationDirectory {
    static final int PAGE = 20;
    static final int MAX_ACCOUNT_PAGES = 1_000;
    static final int MAX_UNIT_PAGES = 100;

    private static final Lazy<OrganizationsClient> ORGANIZATIONS = new Lazy<>(() -> AwsClients.configure(
            OrganizationsClient.builder()).credentialsProvider(AwsCustomerAccount.REFUSE).build());

    @Override
    public Listing list(String payerRoleArn, String externalId, OrganizationFacts organization) throws ListingRefused {
        AwsRequestOverrideConfiguration as;
        try {
            as = AwsCustomerAccount.sessionOf(payerRoleArn, externalId);
        } catch (CustomerAccount.AssumeRoleRefused e) {
            throw new ListingRefused("the payer role " + payerRoleArn + " cannot be assumed (" + e.getMessage() + ")");
        }
        return TargetAccounts.of(new Tree(as), organization);
    }

    private record Tree(AwsRequestOverrideConfiguration as) implements OrganizationTree {
        @Override
        public String managementAccountId() throws ListingRefused {
            return call(() -> ORGANIZATIONS.get().describeOrganization(r -> r.overrideConfiguration(as))
                    .organization().masterAccountId());
        }

        @Override
        public List<OrgAccount> allAccounts() throws ListingRefused {
            return pages(MAX_ACCOUNT_PAGES, "accounts", token -> {
                var page = ORGANIZATIONS.get().listAccounts(r -> r.maxResults(PAGE).nextToken(token)
                        .overrideConfiguration(as));
                return new Page<>(page.accounts().stream().map(Tree::account).toList(), page.nextToken());
            });
        }

        @Override
        public List<OrgAccount> accountsIn(String parentId) throws ListingRefused {
            return pages(MAX_ACCOUNT_PAGES, "accounts", token -> {
                var page = ORGANIZATIONS.get().listAccountsForParent(r -> r.parentId(parentId).maxResults(PAGE)
                        .nextToken(token).overrideConfiguration(as));
                return new Page<>(page.accounts().stream().map(Tree::account).toList(), page.nextToken());
            });
        }

        @Override
        public List<String> unitsIn(String parentId) throws ListingRefused {
            return pages(MAX_UNIT_PAGES, "organisational units", token -> {
                var page = ORGANIZATIONS.get().listChildren(r -> r.parentId(parentId)
                        .childType(ChildType.ORGANIZATIONAL_UNIT).maxResults(PAGE).nextToken(token)
                        .overrideConfiguration(as));
                return new Page<>(page.children().stream().map(c -> c.id()).toList(), page.nextToken());
            });
        }

        /** State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, ...), or the older Status where State is absent. */
        private static OrgAccount account(Account a) {
            String state = a.stateAsString() != null ? a.stateAsString() : a.statusAsString();
            return new OrgAccount(a.id(), a.name(), state);
        }

        private <T> List<T> pages(int maxPages, String what, Function<String, Page<T>> read) throws ListingRefused {
            List<T> out = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                String from = token;
                Page<T> page = call(() -> read.apply(from));
                out.addAll(page.items());
                token = page.next();
                if (token != null && !token.isEmpty() && ++pages >= maxPages) {
                    throw new ListingRefused("the organisation has more " + what + " than the verifier reads ("
                            + maxPages * PAGE + ")");
                }
            } while (token != null && !token.isEmpty());
            return out;
        }
    }

    private record Page<T>(List<T> items, String next) {}

    private interface Read<T> {
        T get();
    }

    /** What the customer's side refuses becomes a ListingRefused naming the cause; anything else is thrown. */
    private static <T> T call(Read<T> read) throws ListingRefused {
        try {
            return read.get();
        } catch (OrganizationsException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String why = OrganizationRefusals.explain(code, e.statusCode());
            if (why == null) {
                throw e;
            }
            String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
            throw new ListingRefused(why + " (" + (code == null ? "HTTP " + e.statusCode() : code)
                    + (message == null ? "" : ": " + Text.truncate(message, 300)) + ")");
        }
    }
}
