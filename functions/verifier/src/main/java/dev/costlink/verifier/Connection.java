package dev.costlink.verifier;

import java.time.Instant;

/** What the verifier needs of one registered connection and its tenant. */
public record Connection(String tenant, String tenantName, String connectionKey, String accountId, String roleArn,
                         String externalId, String bucket, String curPrefix, String carbonPrefix, Instant registeredAt,
                         HealthStatus lastStatus, Instant lastPublishedAt, String curVersion, String exportName,
                         String exportArn, String carbonExportName, String carbonExportArn) {
    public boolean hasBillingData() {
        return bucket != null && curPrefix != null;
    }
}
