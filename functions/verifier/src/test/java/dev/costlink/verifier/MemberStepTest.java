package dev.costlink.verifier;

import static dev.costlink.verifier.Fixtures.NOW;
import static dev.costlink.verifier.Fixtures.TENANT;
import static dev.costlink.verifier.OrgFixtures.PAYER_KEY;
import static dev.costlink.verifier.OrgFixtures.active;
import static dev.costlink.verifier.OrgFixtures.memberKey;
import static dev.costlink.verifier.OrgFixtures.memberRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.costlink.common.JsonLog;
import dev.costlink.verifier.MemberRequest.Change;
import dev.costlink.verifier.OrganizationDirectory.OrgAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A member change is applied where it belongs, in run order, and an activation is verified in the same message. */
class MemberStepTest {
    private static final OrgAccount PROD = active("111111111111", "Prod");
    private final InMemoryOrganizationStore store = new InMemoryOrganizationStore();
    private final List<String> verified = new ArrayList<>();
    private final HealthStore health = new HealthStore() {
        @Override
        public Connection load(String tenantId, String key) {
            verified.add(key);
            return null;
        }

        @Override
        public DeliveryReports deliveries(Connection c) {
            return new DeliveryReports(List.of());
        }

        @Override
        public boolean record(Connection c, HealthStatus s, List<Check> checks, java.time.Instant asOf, HealthEvent e) {
            return true;
        }

        @Override
        public void published(Connection c, String eventId) {}
    };
    private final MemberStep step = new MemberStep(store, new VerificationWorker(health, e -> { },
            new ConnectionVerifier(new FakeCustomerAccount(), Thresholds.DEFAULT), new AlertPolicy(Duration.ofHours(24)),
            new JsonLog("member-test")), Clock.fixed(NOW, ZoneOffset.UTC), new JsonLog("member-test"));

    private static MemberRequest request(Change change, OrgAccount account, java.time.Instant asOf) {
        return new MemberRequest(TENANT.id(), PAYER_KEY, asOf, change, new MemberPlan.Member(account,
                memberKey(account.id()), change == Change.DEPART ? null : memberRole(account.id())));
    }

    @Test
    void anActivationIsVerifiedForItsRun() {
        assertEquals("INACTIVE", step.handle(request(Change.ACTIVATE, PROD, NOW)), "what the worker answered");
        assertEquals(List.of(memberKey("111111111111")), verified);
        assertEquals(List.of("ACTIVATE 111111111111"), store.applied);
    }

    @Test
    void otherChangesVerifyNothing() {
        store.with(OrgFixtures.member(PAYER_KEY, PROD, true, null));
        assertEquals("APPLIED", step.handle(request(Change.DEPART, PROD, NOW)));
        assertFalse(store.connections.get(memberKey("111111111111")).active());
        assertEquals(List.of(), verified);
    }

    @Test
    void aPayerGoneMeanwhileActivatesNothing() {
        store.payerActive = false;
        assertEquals("PAYER_GONE", step.handle(request(Change.ACTIVATE, PROD, NOW)));
        assertEquals(List.of(), verified);
        assertEquals(List.of(), store.applied);
    }

    @Test
    void aLateMessageOfAnEarlierRunChangesNothing() {
        step.handle(request(Change.ACTIVATE, PROD, NOW));
        assertEquals("NOT_MINE", step.handle(request(Change.DEPART, PROD, NOW.minus(Duration.ofHours(1)))));
        assertEquals(true, store.connections.get(memberKey("111111111111")).active());
    }

    @Test
    void aKeyHeldByAnotherConnectionIsLeftAlone() {
        store.with(new TenantConnection(memberKey("111111111111"), "111111111111", true, null, null, null));
        assertEquals("NOT_MINE", step.handle(request(Change.ACTIVATE, PROD, NOW)));
        assertEquals(List.of(), verified);
    }

    @Test
    void aMalformedMessageIsRefusedWithoutQuotingIt() {
        String secret = "cl-looks-like-an-external-id";
        String good = request(Change.ACTIVATE, PROD, NOW).body();
        for (String body : new String[] {good.replace("\"ACTIVATE\"", "\"" + secret + "\""),
                good.replace("111111111111", secret), good.replace("\"roleArn\"", "\"x\""),
                good.replace(NOW.toString(), secret),
                good.replace("\"member\":\"111111111111#", "\"member\":\"222222222222#"),
                good.replace(":role/CostLink-MemberReadAccess\",\"account", ":role/Other\",\"account")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemberRequest.parse(body));
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
    }

    @Test
    void anAccountNameSqsWouldRefuseIsMadeSafe() {
        MemberRequest r = request(Change.ACTIVATE, new OrgAccount("111111111111", "Dev\uFFFF\u0001", "ACTIVE"), NOW);
        assertEquals("Dev\uFFFD\uFFFD", MemberRequest.parse(r.body()).member().account().name(),
                "a noncharacter and a control character, both outside SQS's characters, replaced");
    }
}
