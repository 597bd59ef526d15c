package dev.costlink.verifier;

import java.util.Map;

/**
 * How the coverage of a run waits for its members: it looks again every {@code recheckSeconds} (an SQS message
 * delay, at most 900 s) until every member is verified as of the run, at most {@code rechecks} times; then it is
 * computed with the unfinished members named "not verified in this run". Defaults: every 60 s for 20 minutes.
 */
public record OrganizationConfig(int recheckSeconds, int rechecks) {
    /** SendMessage's DelaySeconds maximum (SQS API reference). */
    static final int MAX_DELAY_SECONDS = 900;

    public OrganizationConfig {
        if (recheckSeconds < 0 || recheckSeconds > MAX_DELAY_SECONDS) {
            throw new IllegalStateException("COSTLINK_COVERAGE_RECHECK_SECONDS must be 0 to " + MAX_DELAY_SECONDS);
        }
        if (rechecks < 0) {
            throw new IllegalStateException("COSTLINK_COVERAGE_RECHECKS must not be negative");
        }
    }

    public static OrganizationConfig from(Map<String, String> env) {
        return new OrganizationConfig(number(env, "COSTLINK_COVERAGE_RECHECK_SECONDS", 60),
                number(env, "COSTLINK_COVERAGE_RECHECKS", 20));
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number");
        }
    }
}
