package dev.costlink.verifier;

import java.util.List;

/**
 * An organisation's coverage in one run: how many of the targets' active accounts are connected (a role of the
 * tenant's assumed with its ExternalId), the {@code organization-coverage} check with its cause and fix, the accounts
 * not connected with the reason of each, the suspended ones (ignored), and a digest of the not-connected accounts and
 * reasons (its change is what makes a new organisation event due even when the status stays the same).
 */
public record Coverage(int covered, int accounts, Check check, List<Entry> notConnected, List<Entry> suspended,
                       String signature) {
    public static final String CHECK = "organization-coverage";

    /** An account and its name as the organisation lists it, with why it is listed. */
    public record Entry(String accountId, String name, String reason) {}

    public Coverage {
        notConnected = List.copyOf(notConnected);
        suspended = List.copyOf(suspended);
    }

    public HealthStatus status() {
        return HealthStatus.of(List.of(check));
    }
}
