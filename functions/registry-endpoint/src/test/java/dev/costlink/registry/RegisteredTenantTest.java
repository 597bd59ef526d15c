package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RegisteredTenantTest {
    @Test
    void noPolicyAllowsAnyAccount() {
        assertTrue(RegisteredTenant.withoutPolicy("x").allows("111122223333", null));
    }

    @Test
    void listedAccountsOrOrganisations() {
        RegisteredTenant t = new RegisteredTenant("x", Set.of("111122223333"), Set.of("o-abc123"));
        assertTrue(t.allows("111122223333", null));
        assertTrue(t.allows("999988887777", "o-abc123"), "a payer of an allowed organisation");
        assertFalse(t.allows("999988887777", null));
        assertFalse(t.allows("999988887777", "o-other"));
        assertFalse(new RegisteredTenant("x", null, Set.of("o-abc123")).allows("111122223333", null),
                "only organisations listed: a standalone account is held");
        assertFalse(new RegisteredTenant("x", Set.of(), null).allows("111122223333", null), "an empty list holds all");
    }
}
