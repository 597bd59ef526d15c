package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StackFunctionRolesTest {
    private static final String STACK =
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/costlink/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

    @Test
    void namesBothRolesAfterTheStacksUniqueId() {
        assertEquals("costlink-callback-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", StackFunctionRoles.callbackRole(STACK));
        assertEquals("costlink-detector-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", StackFunctionRoles.detectorRole(STACK));
        assertTrue(StackFunctionRoles.callbackRole(STACK).length() <= 64);
    }

    @Test
    void anythingButAStackArnNamesNoRole() {
        for (String bad : new String[] {null, "", "costlink", STACK + "/x", STACK.replace("stack/", "stackset/"),
                "arn:aws:cloudformation:eu-west-1:123456789012:stack/costlink/not-a-uuid"}) {
            assertNull(StackFunctionRoles.stackUuid(bad), String.valueOf(bad));
            assertNull(StackFunctionRoles.callbackRole(bad), String.valueOf(bad));
        }
    }
}
