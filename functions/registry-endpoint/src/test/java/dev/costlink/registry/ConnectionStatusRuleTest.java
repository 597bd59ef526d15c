package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.costlink.registry.ConnectionStatusRule.Decision;
import org.junit.jupiter.api.Test;

class ConnectionStatusRuleTest {
    static final Decision PENDING = new Decision("PENDING", ConnectionStatusRule.NOT_YET_PROVED,
            ConnectionStatusRule.KEEP, true);
    static final Decision HELD = new Decision("PENDING", ConnectionStatusRule.HELD, "REQUIRED", false);

    @Test
    void aCreatedWaitsForTheVendorsProof() {
        assertEquals(PENDING, ConnectionStatusRule.decide("connection.created", null, null, true));
        assertEquals(PENDING, ConnectionStatusRule.decide("connection.created", "ACTIVE", null, true),
                "a re-created connection is proved again");
        assertEquals(PENDING, ConnectionStatusRule.decide("connection.created", "REVOKED", null, true));
    }

    @Test
    void anUpdatedOfAnActiveConnectionStaysActive() {
        assertEquals(new Decision("ACTIVE", null, ConnectionStatusRule.KEEP, false),
                ConnectionStatusRule.decide("connection.updated", "ACTIVE", null, false));
        assertEquals(PENDING, ConnectionStatusRule.decide("connection.updated", "PENDING", null, true));
        assertEquals(PENDING, ConnectionStatusRule.decide("connection.updated", null, null, true));
    }

    @Test
    void anAccountOutsideThePolicyIsHeldUnlessApproved() {
        assertEquals(HELD, ConnectionStatusRule.decide("connection.created", null, null, false));
        assertEquals(HELD, ConnectionStatusRule.decide("connection.updated", "PENDING", "REQUIRED", false));
        assertEquals(PENDING, ConnectionStatusRule.decide("connection.created", "PENDING", "APPROVED", false),
                "an approval is kept");
        assertEquals(new Decision("PENDING", ConnectionStatusRule.NOT_YET_PROVED, null, true),
                ConnectionStatusRule.decide("connection.created", "PENDING", "REQUIRED", true),
                "a hold the policy no longer asks for is lifted");
    }

    @Test
    void aDeletedRevokes() {
        assertEquals(new Decision("REVOKED", null, ConnectionStatusRule.KEEP, false),
                ConnectionStatusRule.decide("connection.deleted", "PENDING", "REQUIRED", false));
    }
}
