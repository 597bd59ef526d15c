package dev.costlink.verifier;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Deliveries;
import dev.costlink.common.RegistrySchema.Tenants;
import java.time.Duration;
import java.util.Map;

/** The verifier's settings, from the environment the vendor stack sets; thresholds default to Thresholds.DEFAULT. */
public record VerifierConfig(String tenantsTable, String connectionsTable, String deliveriesTable, String queueUrl,
                             String topicArn, Thresholds thresholds) {
    public static VerifierConfig from(Map<String, String> env) {
        Thresholds d = Thresholds.DEFAULT;
        Thresholds t = new Thresholds(hours(env, "COSTLINK_CUR_WARN_HOURS", d.curWarn()),
                hours(env, "COSTLINK_CUR_ALERT_HOURS", d.curAlert()),
                hours(env, "COSTLINK_FIRST_DELIVERY_GRACE_HOURS", d.firstDeliveryGrace()),
                hours(env, "COSTLINK_NEW_PERIOD_GRACE_HOURS", d.newPeriodGrace()),
                Integer.parseInt(env.getOrDefault("COSTLINK_CARBON_DUE_DAY", Integer.toString(d.carbonDayOfMonth()))),
                hours(env, "COSTLINK_REALERT_HOURS", d.realertInterval()));
        return new VerifierConfig(require(env, Tenants.TABLE_ENV), require(env, Connections.TABLE_ENV),
                env.get(Deliveries.TABLE_ENV), env.get("COSTLINK_QUEUE_URL"), env.get("COSTLINK_TOPIC_ARN"), t);
    }

    private static Duration hours(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : Duration.ofHours(Long.parseLong(v.trim()));
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("verifier is not configured: " + name + " must be set");
        }
        return v;
    }
}
