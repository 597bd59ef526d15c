package dev.costlink.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.costlink.common.CallbackSignature;
import dev.costlink.common.CallerIdentityProof;
import dev.costlink.common.IdentityProofSigner;
import dev.costlink.common.Json;
import dev.costlink.common.JsonLog;
import dev.costlink.common.VendorClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The paths the end-to-end suite cannot provoke through a well-behaved vendor: the deadline guard, the Throwable net and
 * the stack-status lookup, each answered through the one decision (FailureMode, rollback rule).
 */
class ConnectionCallbackHandlerTest {
    private static final String ROLE = "arn:aws:iam::111122223333:role/r";
    private static final String CONNECTION_ID = Identifiers.connectionId("111122223333", ROLE);
    private static final String OLD_ID = "costlink-111122223333-0123456789abcdef";

    private HttpServer server;
    private final List<Map<String, Object>> answers = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> accepted = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> acceptedHeaders = new CopyOnWriteArrayList<>();
    private static final AwsSessionCredentials SESSION = AwsSessionCredentials.create("ASIAEXAMPLE", "secret-key",
            "session-token");
    /** How the handler under test signs its proof of origin: fixed session credentials unless a test takes them. */
    private volatile Supplier<AwsSessionCredentials> credentials = () -> SESSION;
    private final List<Integer> remainingAtAnswer = new CopyOnWriteArrayList<>();
    private volatile FakeContext context;
    private volatile CountDownLatch vendorWaitsFor = new CountDownLatch(0);
    private final AtomicBoolean lookupBeganBeforeTheVendorAnswered = new AtomicBoolean();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/response", exchange -> {
            remainingAtAnswer.add(context.getRemainingTimeInMillis());
            answers.add(Json.parseObject(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/vendor", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                lookupBeganBeforeTheVendorAnswered.set(vendorWaitsFor.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "no".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/accepting", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            accepted.add(Json.parseObject(body));
            acceptedHeaders.add(Map.of(
                    "body", new String(body, StandardCharsets.UTF_8),
                    "timestamp", String.valueOf(exchange.getRequestHeaders().getFirst("CostLink-Timestamp")),
                    "signature", String.valueOf(exchange.getRequestHeaders().getFirst("CostLink-Signature")),
                    "proof", String.valueOf(exchange.getRequestHeaders().getFirst(CallerIdentityProof.HEADER))));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private byte[] event(String type, String failureMode, String... without) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Map<String, Object> props = new HashMap<>(Map.of("CallbackUrl", base + "/vendor", "ExternalId", "secret-abc",
                "RoleArn", ROLE, "FailureMode", failureMode));
        for (String key : without) {
            props.remove(key);
        }
        Map<String, Object> event = new HashMap<>(Map.of(
                "RequestType", type, "ResponseURL", base + "/response",
                "StackId", "arn:aws:cloudformation:us-east-1:111122223333:stack/s/1", "RequestId", "r1",
                "LogicalResourceId", "ConnectionCallback", "ResourceProperties", props));
        if (!type.equals("Create")) {
            event.put("PhysicalResourceId", OLD_ID);
        }
        return Json.write(event);
    }

    private Map<String, Object> run(byte[] event, StackStatus status, Clock clock, long millis) throws Exception {
        return run(event, status, NO_ORGANIZATION, clock, millis);
    }

    private Map<String, Object> run(byte[] event, StackStatus status, OrganizationDirectory organizations, Clock clock,
                                    long millis) throws Exception {
        ConnectionCallbackHandler handler = new ConnectionCallbackHandler(new ConnectionReporter(
                new VendorClient("test"), url -> IdentityProofSigner.forEnvironment(url, Map.of("AWS_REGION", "eu-west-1"),
                        credentials), clock, new JsonLog("test")), status, organizations, new ResponseSender());
        context = new FakeContext(millis);
        handler.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), context);
        assertEquals(1, answers.size());
        assertTrue(remainingAtAnswer.get(0) > 0, "answered after the deadline");
        return answers.get(0);
    }

    @SuppressWarnings("unchecked")
    private static String callbackStatus(Map<String, Object> answer) {
        return (String) ((Map<String, Object>) answer.get("Data")).get("CallbackStatus");
    }

    /** A clock whose first reading never comes back: the work hangs until the guard fires. */
    private static Clock hanging() {
        return new FixedClock() {
            @Override
            public Instant instant() {
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Instant.now();
            }
        };
    }

    /** A clock that throws an Error inside the work. */
    private static Clock exploding() {
        return new FixedClock() {
            @Override
            public Instant instant() {
                throw new StackOverflowError("deep");
            }
        };
    }

    private static final OrganizationDirectory NO_ORGANIZATION = () -> {
        throw new IllegalStateException("no organisation");
    };
    private static final StackStatus ROLLING_BACK = stackId -> true;
    private static final StackStatus NOT_ROLLING_BACK = stackId -> false;
    private static final StackStatus NEVER_ANSWERS = stackId -> {
        try {
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    };

    // ------------------------------------------------------------------------------------------ the deadline guard
    @Test
    void theGuardFailsACreateInFailStackModeWithTheConnectionsId() throws Exception {
        Map<String, Object> answer = run(event("Create", "FailStack"), NOT_ROLLING_BACK, hanging(), 4_000);
        assertEquals("FAILED", answer.get("Status"));
        assertEquals("Connection callback timed out before the function's deadline", answer.get("Reason"));
        assertEquals(CONNECTION_ID, answer.get("PhysicalResourceId"));
    }

    @Test
    void theGuardCompletesACreateWithCompleteWithWarning() throws Exception {
        Map<String, Object> answer = run(event("Create", "CompleteWithWarning"), NOT_ROLLING_BACK, hanging(), 4_000);
        assertEquals("SUCCESS", answer.get("Status"));
        assertEquals(CONNECTION_ID, answer.get("PhysicalResourceId"));
        assertEquals("NOT DELIVERED. Connection callback timed out before the function's deadline",
                callbackStatus(answer));
    }

    @Test
    void theGuardNeverFailsAnUpdateDuringARollback() throws Exception {
        Map<String, Object> answer = run(event("Update", "FailStack"), ROLLING_BACK, hanging(), 4_000);
        assertEquals("SUCCESS", answer.get("Status"));
        assertEquals("NOT DELIVERED during rollback. Connection callback timed out before the function's deadline",
                callbackStatus(answer));
    }

    @Test
    void theGuardFailsAnUpdateWhenTheStackIsKnownNotToRollBack() throws Exception {
        Map<String, Object> answer = run(event("Update", "FailStack"), NOT_ROLLING_BACK, hanging(), 4_000);
        assertEquals("FAILED", answer.get("Status"));
    }

    // ------------------------------------------------------------------------------------------ the Throwable net
    @Test
    void anErrorInTheWorkFailsACreateInFailStackMode() throws Exception {
        Map<String, Object> answer = run(event("Create", "FailStack"), NOT_ROLLING_BACK, exploding(), 10_000);
        assertEquals("FAILED", answer.get("Status"));
        assertEquals("Connection callback failed: StackOverflowError", answer.get("Reason"));
    }

    @Test
    void anErrorInTheWorkCompletesACreateWithCompleteWithWarning() throws Exception {
        Map<String, Object> answer = run(event("Create", "CompleteWithWarning"), NOT_ROLLING_BACK, exploding(), 10_000);
        assertEquals("SUCCESS", answer.get("Status"));
        assertEquals("NOT DELIVERED. Connection callback failed: StackOverflowError", callbackStatus(answer));
    }

    @Test
    void anErrorInTheWorkNeverFailsADelete() throws Exception {
        Map<String, Object> answer = run(event("Delete", "FailStack"), NOT_ROLLING_BACK, exploding(), 10_000);
        assertEquals("SUCCESS", answer.get("Status"));
        assertEquals(OLD_ID, answer.get("PhysicalResourceId"));
    }

    // ------------------------------------------------------------------------------------------ the rollback lookup
    @Test
    void aStackStatusThatNeverAnswersCompletesAFailedUpdateInTime() throws Exception {
        Map<String, Object> answer = run(event("Update", "FailStack"), NEVER_ANSWERS, Clock.systemUTC(), 4_000);
        assertEquals("SUCCESS", answer.get("Status"));
        assertEquals("NOT DELIVERED during rollback. Could not report the connection to the vendor: vendor rejected "
                + "the event (HTTP 400: no)", callbackStatus(answer));
    }

    @Test
    void aStackStatusThatFailsCompletesAFailedUpdate() throws Exception {
        StackStatus explodes = stackId -> {
            throw new StackOverflowError("deep");
        };
        Map<String, Object> answer = run(event("Update", "FailStack"), explodes, Clock.systemUTC(), 10_000);
        assertEquals("SUCCESS", answer.get("Status"));
        assertTrue(callbackStatus(answer).startsWith("NOT DELIVERED during rollback. "));
    }

    @Test
    void aFailedUpdateFailsWhenTheStackIsNotRollingBack() throws Exception {
        StackStatus slowButAnswers = stackId -> {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
        Map<String, Object> answer = run(event("Update", "FailStack"), slowButAnswers, Clock.systemUTC(), 10_000);
        assertEquals("FAILED", answer.get("Status"));
        assertEquals("Could not report the connection to the vendor: vendor rejected the event (HTTP 400: no)",
                answer.get("Reason"));
    }

    @Test
    void theStackStatusLookupBeginsWhenTheUpdateArrivesBesideTheVendorCall() throws Exception {
        CountDownLatch lookupBegan = new CountDownLatch(1);
        vendorWaitsFor = lookupBegan;
        StackStatus records = stackId -> {
            lookupBegan.countDown();
            return true;
        };
        Map<String, Object> answer = run(event("Update", "FailStack"), records, Clock.systemUTC(), 20_000);
        assertTrue(lookupBeganBeforeTheVendorAnswered.get(), "the lookup waited for the vendor call");
        assertEquals("SUCCESS", answer.get("Status"));
    }

    @Test
    void aCreateNeverAsksForTheStackStatus() throws Exception {
        AtomicBoolean asked = new AtomicBoolean();
        run(event("Create", "FailStack"), stackId -> asked.getAndSet(true), Clock.systemUTC(), 10_000);
        assertFalse(asked.get());
    }

    // ------------------------------------------------------------------------------------------ the organisation
    /** A payer's Create with the organisation option, told to a vendor that accepts it. */
    private byte[] organisationEvent(String type) {
        Map<String, Object> event = Json.parseObject(event(type, "FailStack"));
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) event.get("ResourceProperties");
        props.putAll(ConnectionPropertiesTest.organisation());
        props.put("RoleArn", ROLE);
        props.put("CallbackUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/accepting");
        return Json.write(event);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> reportedOrganisation() {
        assertEquals(1, accepted.size());
        return (Map<String, Object>) ((Map<String, Object>) accepted.get(0).get("connection")).get("organization");
    }

    @Test
    void theOrganisationIsDescribedAndReported() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        OrganizationDirectory directory = () -> {
            asked.incrementAndGet();
            return new OrganizationIdentity("o-a1b2c3d4e5", "999988887777");
        };
        Map<String, Object> answer = run(organisationEvent("Create"), NOT_ROLLING_BACK, directory, Clock.systemUTC(),
                10_000);
        assertEquals("DELIVERED", callbackStatus(answer));
        assertEquals("o-a1b2c3d4e5", reportedOrganisation().get("organizationId"));
        assertEquals("999988887777", reportedOrganisation().get("managementAccountId"));
        assertEquals(List.of("r-ab12", "ou-ab12-cdef3456"), reportedOrganisation().get("targets"));
        assertEquals(1, asked.get());
    }

    @Test
    void anOrganisationLookupThatNeverAnswersIsReportedWithoutItsIdsInTime() throws Exception {
        OrganizationDirectory never = () -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new OrganizationIdentity("o-a1b2c3d4e5", "999988887777");
        };
        Map<String, Object> answer = run(organisationEvent("Update"), NOT_ROLLING_BACK, never, Clock.systemUTC(),
                20_000);
        assertEquals("DELIVERED", callbackStatus(answer));
        assertFalse(reportedOrganisation().containsKey("organizationId"));
        assertFalse(reportedOrganisation().containsKey("managementAccountId"));
        assertEquals("DelegatedAdministrator", reportedOrganisation().get("deploymentAccount"));
    }

    @Test
    void aFailedOrganisationLookupIsReportedWithoutItsIds() throws Exception {
        Map<String, Object> answer = run(organisationEvent("Create"), NOT_ROLLING_BACK, NO_ORGANIZATION,
                Clock.systemUTC(), 10_000);
        assertEquals("DELIVERED", callbackStatus(answer));
        assertFalse(reportedOrganisation().containsKey("organizationId"));
    }

    @Test
    void aDeleteAndAStackWithoutAnOrganisationNeverAsk() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        OrganizationDirectory counting = () -> {
            asked.incrementAndGet();
            return new OrganizationIdentity("o-a1b2c3d4e5", "999988887777");
        };
        run(organisationEvent("Delete"), NOT_ROLLING_BACK, counting, Clock.systemUTC(), 10_000);
        answers.clear();
        run(event("Create", "FailStack"), NOT_ROLLING_BACK, counting, Clock.systemUTC(), 10_000);
        assertEquals(0, asked.get());
    }

    // ------------------------------------------------------------------------------------------ signing
    @Test
    void aConnectionEventCarriesTheHmacAndTheProofOfOriginForItsBody() throws Exception {
        Map<String, Object> answer = run(organisationEvent("Create"), NOT_ROLLING_BACK, NO_ORGANIZATION,
                Clock.systemUTC(), 10_000);
        assertEquals("DELIVERED", callbackStatus(answer));
        Map<String, String> sent = acceptedHeaders.get(0);
        byte[] body = sent.get("body").getBytes(StandardCharsets.UTF_8);
        assertTrue(CallbackSignature.verify("ext-123", Long.parseLong(sent.get("timestamp")), body,
                sent.get("signature")));
        Map<String, String> proof = CallerIdentityProof.decode(sent.get("proof"));
        assertEquals(CallbackSignature.sha256Hex(body), proof.get(CallerIdentityProof.BODY_SHA256_HEADER));
        assertEquals("127.0.0.1:" + server.getAddress().getPort(), proof.get(CallerIdentityProof.AUDIENCE_HEADER));
        assertEquals("sts.eu-west-1.amazonaws.com", proof.get("host"));
        assertTrue(proof.get("authorization").startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/"));
    }

    @Test
    void withoutCredentialsTheEventIsNotSentAndTheAnswerSaysWhyWithoutSecrets() throws Exception {
        credentials = () -> {
            throw SdkClientException.create("no credentials");
        };
        Map<String, Object> answer = run(organisationEvent("Create"), NOT_ROLLING_BACK, NO_ORGANIZATION,
                Clock.systemUTC(), 10_000);
        assertTrue(accepted.isEmpty(), "an unsigned event reached the vendor");
        assertEquals("FAILED", answer.get("Status"));
        String reason = (String) answer.get("Reason");
        assertTrue(reason.contains("event not sent: no AWS credentials to sign the proof of origin"), reason);
        assertFalse(reason.contains("ext-123"), reason);
    }

    // ------------------------------------------------------------------------------------------ invalid properties
    @Test
    void invalidPropertiesFailACreateEvenWithCompleteWithWarning() throws Exception {
        Map<String, Object> answer = run(event("Create", "CompleteWithWarning", "RoleArn"), NOT_ROLLING_BACK,
                Clock.systemUTC(), 10_000);
        assertEquals("FAILED", answer.get("Status"));
        assertEquals("Invalid ResourceProperties: ResourceProperties is missing RoleArn", answer.get("Reason"));
    }

    @Test
    void invalidPropertiesNeverFailAnUpdateDuringARollback() throws Exception {
        Map<String, Object> answer = run(event("Update", "FailStack", "RoleArn"), ROLLING_BACK, Clock.systemUTC(),
                10_000);
        assertEquals("SUCCESS", answer.get("Status"));
        assertEquals(OLD_ID, answer.get("PhysicalResourceId"));
        assertEquals("NOT DELIVERED during rollback. Invalid ResourceProperties: ResourceProperties is missing RoleArn",
                callbackStatus(answer));
    }

    @Test
    void anUnreadableFailureModeFailsACreate() throws Exception {
        Map<String, Object> answer = run(event("Create", "Sometimes"), NOT_ROLLING_BACK, Clock.systemUTC(), 10_000);
        assertEquals("FAILED", answer.get("Status"));
        assertEquals("Invalid ResourceProperties: FailureMode must be one of FailStack, CompleteWithWarning",
                answer.get("Reason"));
    }

    // ------------------------------------------------------------------------------------------ unanswerable events
    @Test
    void anEventWithoutResponseUrlCannotBeAnswered() {
        assertThrows(CustomResourceRequest.UnanswerableRequestException.class, () -> new ConnectionCallbackHandler()
                .handleRequest(new ByteArrayInputStream("{\"RequestType\":\"Create\"}".getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(), new FakeContext(5_000)));
        assertTrue(answers.isEmpty());
    }

    @Test
    void aPlainHttpResponseUrlToAnotherHostIsRefused() {
        String event = "{\"RequestType\":\"Create\",\"ResponseURL\":\"http://169.254.169.254/latest\"}";
        assertThrows(CustomResourceRequest.UnanswerableRequestException.class, () -> new ConnectionCallbackHandler()
                .handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(), new FakeContext(5_000)));
    }

    @Test
    void aMalformedEventIsRefusedWithoutQuotingIt() {
        String event = "{\"RequestType\":\"Create\",\"ExternalId\": sekret-7f3a9c}";
        CustomResourceRequest.UnanswerableRequestException e = assertThrows(
                CustomResourceRequest.UnanswerableRequestException.class, () -> new ConnectionCallbackHandler()
                        .handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                                new ByteArrayOutputStream(), new FakeContext(5_000)));
        assertTrue(e.getMessage().startsWith("not a CloudFormation custom resource request: not valid JSON at line 1"),
                e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains("sekret"), t.getMessage());
        }
    }

    private abstract static class FixedClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
