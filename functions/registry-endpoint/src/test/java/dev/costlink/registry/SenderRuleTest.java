package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.costlink.registry.Verdict.Refusal;
import org.junit.jupiter.api.Test;

class SenderRuleTest {
    static final String ACCOUNT = "111122223333";
    static final String CALLBACK = "costlink-callback-" + EventShapeTest.STACK_UUID;
    static final String DETECTOR = "costlink-detector-" + EventShapeTest.STACK_UUID;

    static Refusal refusal(CallerIdentity id, String role) {
        return assertThrows(Refused.class, () -> SenderRule.check(id, ACCOUNT, role)).refusal;
    }

    @Test
    void theStacksOwnRolesAreExpected() {
        assertEquals(CALLBACK, SenderRule.expectedRole(true, EventShapeTest.STACK_ID));
        assertEquals(DETECTOR, SenderRule.expectedRole(false, EventShapeTest.STACK_ID));
    }

    @Test
    void aSessionOfTheExpectedRoleInTheAccountIsAccepted() {
        assertDoesNotThrow(() -> SenderRule.check(Proofs.assumedRole(ACCOUNT, CALLBACK), ACCOUNT, CALLBACK));
        assertDoesNotThrow(() -> SenderRule.check(new CallerIdentity(
                "arn:aws-us-gov:sts::111122223333:assumed-role/" + CALLBACK + "/fn", ACCOUNT), ACCOUNT, CALLBACK));
    }

    @Test
    void anotherAccount() {
        assertEquals(Refusal.WRONG_ACCOUNT, refusal(Proofs.assumedRole("444455556666", CALLBACK), CALLBACK));
        assertEquals(Refusal.WRONG_ACCOUNT, refusal(new CallerIdentity(
                "arn:aws:sts::444455556666:assumed-role/" + CALLBACK + "/fn", ACCOUNT), CALLBACK),
                "the ARN's account counts too");
    }

    @Test
    void anotherRoleOrNotARoleSession() {
        assertEquals(Refusal.WRONG_ROLE, refusal(Proofs.assumedRole(ACCOUNT, DETECTOR), CALLBACK));
        assertEquals(Refusal.WRONG_ROLE, refusal(Proofs.assumedRole(ACCOUNT, CALLBACK + "x"), CALLBACK));
        assertEquals(Refusal.WRONG_ROLE, refusal(new CallerIdentity("arn:aws:iam::111122223333:user/" + CALLBACK,
                ACCOUNT), CALLBACK));
        assertEquals(Refusal.WRONG_ROLE, refusal(new CallerIdentity("arn:aws:iam::111122223333:root", ACCOUNT),
                CALLBACK));
        assertEquals(Refusal.WRONG_ROLE, refusal(Proofs.assumedRole(ACCOUNT, CALLBACK), null),
                "a stack id without a uuid names no role");
    }
}
