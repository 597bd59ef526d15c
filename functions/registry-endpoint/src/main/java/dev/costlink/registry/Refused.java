package dev.costlink.registry;

import dev.costlink.registry.Verdict.Refusal;

/**
 * A check's refusal on its way to {@link EventReceiver}, which turns it into the {@link Verdict}. The message names the
 * problem, never a header value, token, signature or the body.
 */
final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Refusal refusal;

    Refused(Refusal refusal, String message) {
        super(message, null, false, false);
        this.refusal = refusal;
    }

    Verdict verdict() {
        return Verdict.refused(refusal, getMessage());
    }
}
