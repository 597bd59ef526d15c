package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void connectionIdDependsOnlyOnAccountAndRole() {
        String a = Identifiers.connectionId("111122223333", "arn:aws:iam::111122223333:role/A");
        assertEquals(a, Identifiers.connectionId("111122223333", "arn:aws:iam::111122223333:role/A"));
        assertNotEquals(a, Identifiers.connectionId("111122223333", "arn:aws:iam::111122223333:role/B"));
        assertTrue(Identifiers.isReportedConnection(a));
        assertTrue(a.length() < 1024);
    }

    @Test
    void foreignAndUnreportedIdsAreNotReportedConnections() {
        assertFalse(Identifiers.isReportedConnection(null));
        assertFalse(Identifiers.isReportedConnection("2026/11/22/[$LATEST]abcdef"));
        assertFalse(Identifiers.isReportedConnection(Identifiers.unreportedId("stack", "Logical")));
    }

    @Test
    void stackArnParsing() {
        StackArn arn = StackArn.parse("arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/name/guid");
        assertEquals(new StackArn("aws-cn", "cn-north-1", "111122223333"), arn);
    }
}
