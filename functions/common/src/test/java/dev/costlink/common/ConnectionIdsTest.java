package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ConnectionIdsTest {
    @Test
    void isTheDocumentedIdOfAccountAndRole() {
        // python: "costlink-111122223333-" + hashlib.sha256(role_arn.encode()).hexdigest()[:16]
        assertEquals("costlink-111122223333-f011dd253f837458",
                ConnectionIds.of("111122223333", "arn:aws:iam::111122223333:role/CostLink-ReadAccess"));
    }

    @Test
    void changesWithTheRoleOnly() {
        String a = ConnectionIds.of("111122223333", "arn:aws:iam::111122223333:role/A");
        assertEquals(a, ConnectionIds.of("111122223333", "arn:aws:iam::111122223333:role/A"));
        assertNotEquals(a, ConnectionIds.of("111122223333", "arn:aws:iam::111122223333:role/B"));
    }
}
