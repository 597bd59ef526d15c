package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A registry item's place in an organisation, and a tenant's items as the organisation's bookkeeping reads them. */
class OrganizationLinkMappingTest {
    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static Map<String, AttributeValue> organization(AttributeValue targets) {
        return Map.of("organization", AttributeValue.fromM(Map.of("organizationId", s("o-1"), "stackSetId",
                s("CostLink-MemberRoles:1"), "targets", targets, "memberRoleName", s("CostLink-MemberReadAccess"))));
    }

    @Test
    void aPayersFactsNameItsOrganisationAsTheCallbackReportsThem() {
        OrganizationLink link = OrganizationRegistry.link(Map.of(),
                organization(AttributeValue.fromL(List.of(s("r-ab12"), s("ou-ab12-cdef3456"), s("")))));
        assertTrue(link.isPayer());
        assertEquals(new OrganizationFacts("o-1", "CostLink-MemberRoles:1", List.of("r-ab12", "ou-ab12-cdef3456"),
                "CostLink-MemberReadAccess"), link.organization());
        assertEquals(List.of("ou-1"), OrganizationRegistry.link(Map.of(), organization(AttributeValue.fromSs(
                List.of("ou-1")))).organization().targets(), "a string set reads the same");
    }

    @Test
    void aMemberNamesItsPayerAndAFormerPayerStillHoldsItsCoverage() {
        OrganizationLink member = OrganizationRegistry.link(Map.of("organizationConnection", s("900#role")), Map.of());
        assertTrue(member.isMember());
        assertEquals("900#role", member.payerConnection());
        OrganizationLink former = OrganizationRegistry.link(Map.of("coverage", AttributeValue.fromM(Map.of())), Map.of());
        assertTrue(former.formerPayer());
        assertFalse(former.isPayer());
        assertEquals(OrganizationLink.NONE, OrganizationRegistry.link(Map.of(), Map.of()));
    }

    @Test
    void aTenantsItemReadsWithItsMemberAccountAndHealthAndUnknownValuesAsAbsent() {
        TenantConnection t = OrganizationRegistry.tenantConnection(Map.of("connection", s("111#r"), "accountId", s("111"),
                "status", s("ACTIVE"), "organizationConnection", s("900#role"), "accountName", s("Prod"),
                "organizationAccountState", s("ACTIVE"), "healthStatus", s("UNHEALTHY"),
                "healthCheckedAt", AttributeValue.fromN("1750000000"), "healthChecks", AttributeValue.fromL(List.of(
                        AttributeValue.fromM(Map.of("name", s("assume-role"), "result", s("FAIL"), "detail", s("x"))),
                        AttributeValue.fromM(Map.of("name", s("new-check"), "result", s("SOMETHING")))))));
        assertTrue(t.active() && t.memberOf("900#role"));
        assertEquals("Prod", t.account().name());
        assertEquals(List.of(new Check("assume-role", Check.Result.FAIL, "x")), t.health().checks());
        TenantConnection odd = OrganizationRegistry.tenantConnection(Map.of("connection", s("k"), "status", s("REVOKED"),
                "healthStatus", s("SOMETHING-NEW")));
        assertFalse(odd.active());
        assertNull(odd.health());
        assertNull(odd.account());
    }
}
