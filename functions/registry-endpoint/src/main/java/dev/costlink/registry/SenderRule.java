package dev.costlink.registry;

import dev.costlink.common.StackFunctionRoles;
import dev.costlink.registry.Verdict.Refusal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may send an event (docs/callback-contract.md, step 5): the identity STS reports must be a session of the event
 * stack's own function role in the event's account: {@code costlink-callback-<stack uuid>} for connection events,
 * {@code costlink-detector-<stack uuid>} for deliveries ({@link StackFunctionRoles}).
 */
final class SenderRule {
    private static final Pattern ASSUMED_ROLE = Pattern.compile(
            "arn:aws[a-z-]*:sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/[\\w+=,.@-]{2,64}");

    private SenderRule() {}

    /** The role the event's stack allows to send it, or null when the stack id names no stack uuid. */
    static String expectedRole(boolean connectionEvent, String stackId) {
        return connectionEvent ? StackFunctionRoles.callbackRole(stackId) : StackFunctionRoles.detectorRole(stackId);
    }

    static void check(CallerIdentity identity, String accountId, String expectedRole) throws Refused {
        Matcher arn = ASSUMED_ROLE.matcher(identity.arn());
        if (!identity.account().equals(accountId) || (arn.matches() && !arn.group(1).equals(accountId))) {
            throw new Refused(Refusal.WRONG_ACCOUNT, "the proof was signed by an identity of another account than "
                    + "accountId");
        }
        if (!arn.matches() || expectedRole == null || !arn.group(2).equals(expectedRole)) {
            throw new Refused(Refusal.WRONG_ROLE, "the proof was not signed by this stack's "
                    + "own function role");
        }
    }
}
