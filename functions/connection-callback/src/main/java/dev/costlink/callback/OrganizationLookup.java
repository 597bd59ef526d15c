package dev.costlink.callback;

import dev.costlink.common.Deadline;
import dev.costlink.common.JsonLog;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The organisation's id and management account for a payer stack's Create or Update, asked (DescribeOrganization, with
 * the client's creation) as soon as the request arrives, beside the rest of the work, like {@link RollbackCheck}. The
 * event waits for it at most until a bound; a lookup that failed or is slower is reported without them, with a
 * warning: they are facts the vendor's verifier can also learn through the payer role, never a reason to fail a stack.
 */
final class OrganizationLookup {
    static final OrganizationLookup NOT_ASKED = new OrganizationLookup(null);

    private final CompletableFuture<OrganizationIdentity> identity;

    private OrganizationLookup(CompletableFuture<OrganizationIdentity> identity) {
        this.identity = identity;
    }

    /** Asks only for a readable Create or Update of a stack with the organisation option. */
    static OrganizationLookup startFor(ConnectionRequest request, OrganizationDirectory directory, Executor executor) {
        if (!request.valid() || request.type().equals("Delete") || request.properties().facts().organization() == null) {
            return NOT_ASKED;
        }
        return new OrganizationLookup(CompletableFuture.supplyAsync(directory::describe, executor));
    }

    /** The identity, or null when not asked, failed, or not known by {@code by}. */
    OrganizationIdentity identity(Deadline by, JsonLog log) {
        if (identity == null) {
            return null;
        }
        try {
            return identity.get(Math.max(0, by.remainingMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("the organisation is not described in time; reporting it without its id and management account");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            log.warn("cannot describe the organisation; reporting it without its id and management account",
                    "error", cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }
}
