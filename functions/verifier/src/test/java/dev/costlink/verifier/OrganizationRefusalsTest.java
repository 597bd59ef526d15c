package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the customer must fix is a cause in plain words; throttling and AWS's own errors are not the customer's. */
class OrganizationRefusalsTest {
    @Test
    void accessDeniedUnderAnyCodeIsTheCustomers() {
        String denied = OrganizationRefusals.explain("AccessDeniedException", 400);
        assertTrue(denied.contains("organizations:ListAccounts"), denied);
        assertEquals(denied, OrganizationRefusals.explain("AccessDenied", 403));
        assertEquals(denied, OrganizationRefusals.explain(null, 403));
    }

    @Test
    void aTargetThatIsGoneAsksForTheStackToBeUpdated() {
        assertTrue(OrganizationRefusals.explain("ParentNotFoundException", 400).contains("OrganizationTargets"));
        assertTrue(OrganizationRefusals.explain("AWSOrganizationsNotInUseException", 400).contains("no longer in"));
    }

    @Test
    void throttlingAndServiceErrorsAreNotTheCustomers() {
        assertNull(OrganizationRefusals.explain("TooManyRequestsException", 400));
        assertNull(OrganizationRefusals.explain("ServiceException", 500));
        assertNull(OrganizationRefusals.explain(null, 500));
    }
}
