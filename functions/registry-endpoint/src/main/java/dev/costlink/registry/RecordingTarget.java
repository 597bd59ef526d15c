package dev.costlink.registry;

/**
 * Where a verified event is recorded: its tenant (a connection event's own, bound by the HMAC; a delivery's, the one
 * of the connection it belongs to), the connection a delivery belongs to ({@code owner}, null for connection events)
 * and whether the tenant's policy allows a connection event's account (true for deliveries).
 */
public record RecordingTarget(String tenant, DeliveryOwner.Match owner, boolean allowedByPolicy) {
    static RecordingTarget connection(String tenant, boolean allowedByPolicy) {
        return new RecordingTarget(tenant, null, allowedByPolicy);
    }

    static RecordingTarget delivery(String tenant, DeliveryOwner.Match owner) {
        return new RecordingTarget(tenant, owner, true);
    }
}
