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
        assertEquals(dev.costlink.common.ConnectionIds.of("111122223333", "arn:aws:iam::111122223333:role/A"), a,
                "one computation: the id the vendor's health events name");
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
        assertEquals("us-gov-west-1",
                StackArn.parse("arn:aws-us-gov:cloudformation:us-gov-west-1:111122223333:stack/n/g").region());
    }

    @Test
    void stackArnsTheContractCannotCarryAreRefused() {
        for (String id : new String[] {"arn:aws:cloudformation:US-EAST-1:111122223333:stack/n/g",
                "arn:aws:cloudformation:us-east-1:11112222333:stack/n/g", "arn:aws:s3:::bucket", "stack/n/g"}) {
            assertEquals("StackId is not a CloudFormation stack ARN",
                    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> StackArn.parse(id)).getMessage(), id);
        }
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StackArn.parse("arn:aws-iso:cloudformation:us-iso-east-1:111122223333:stack/n/g")).getMessage()
                .startsWith("StackId's partition is not one the callback contract supports"));
    }
}
