package dev.costlink.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.JsonLog;
import dev.costlink.verifier.BillingFacts.Feed;
import dev.costlink.verifier.Check.State;
import dev.costlink.verifier.CustomerAccount.ExportState;
import dev.costlink.verifier.CustomerAccount.LatestRun;
import dev.costlink.verifier.CustomerAccount.ReportState;
import dev.costlink.verifier.VerificationWorker.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The verifier's state machine over a simulated calendar: the worker runs hourly-style verifications as of chosen
 * instants (the schedule's time is its clock), AWS writes manifests at chosen times, and the test reads the states,
 * the connection's status and the events published (docs/health-events.md, "States" and "When an event is published").
 */
class HealthCalendarTest {
    private static final String MANIFEST = "reports/cur2/X/metadata/BILLING_PERIOD=%s/X-Manifest.json";
    private final FakeCustomerAccount aws = new FakeCustomerAccount();
    private final List<HealthEvent> published = new ArrayList<>();
    private InMemoryHealthStore store;
    private VerificationWorker worker;

    private void connect(BillingFacts facts, Instant registeredAt) {
        store = new InMemoryHealthStore(Fixtures.connection(facts, HealthState.NEVER_CHECKED, registeredAt));
        worker = new VerificationWorker(store, published::add, new ConnectionVerifier(aws, Thresholds.DEFAULT),
                new AlertPolicy(Duration.ofHours(24)), new JsonLog("calendar-test"));
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    private void manifest(String period, Instant writtenAt) {
        aws.put(String.format(MANIFEST, period), writtenAt);
    }

    private void healthyExport(Instant createdAt) {
        aws.exports.put("X", new ExportState("X", "HEALTHY", null, createdAt, null,
                new LatestRun("DELIVERY_SUCCESS", null, false)));
    }

    /** Verifies as of {@code asOf}; returns the state of {@code check}. */
    private State verify(Instant asOf, String check) {
        Outcome outcome = worker.handle(new VerificationRequest(store.stored.tenant().id(), store.stored.key(), asOf));
        assertTrue(outcome == Outcome.RECORDED || outcome == Outcome.PUBLISHED, outcome::name);
        return check(check).state();
    }

    private Check check(String name) {
        return store.checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private HealthStatus status() {
        return store.health().status();
    }

    private List<String> events() {
        List<String> out = published.stream().map(e -> e.attributes().get("status")).toList();
        published.clear();
        return out;
    }

    @Test
    void aNewConnectionIsPendingOnItsFirstDayLateOnTheSecondMissingAfterAndRecoversOnce() {
        Instant t0 = at("2026-06-10T09:00:00Z");
        connect(Fixtures.cur2("X"), t0);
        healthyExport(t0);

        assertEquals(State.PENDING_FIRST, verify(t0.plus(Duration.ofHours(2)), "cur-freshness"));
        assertEquals(HealthStatus.HEALTHY, status());
        assertTrue(check("cur-freshness").detail().contains("Nothing to do yet"), check("cur-freshness").detail());
        assertEquals(List.of("HEALTHY"), events(), "its first check");
        assertEquals(State.PENDING_FIRST, verify(t0.plus(Duration.ofHours(24)), "cur-freshness"), "the whole first day");
        assertEquals(List.of(), events());

        assertEquals(State.LATE, verify(t0.plus(Duration.ofHours(30)), "cur-freshness"), "day 2 without data");
        assertEquals(HealthStatus.DEGRADED, status());
        assertEquals(List.of("DEGRADED"), events());
        assertEquals(State.MISSING, verify(t0.plus(Duration.ofHours(49)), "cur-freshness"));
        assertEquals(HealthStatus.UNHEALTHY, status());
        assertTrue(check("cur-freshness").detail().contains("it has not come"), check("cur-freshness").detail());
        assertEquals(List.of("UNHEALTHY"), events());
        verify(t0.plus(Duration.ofHours(60)), "cur-freshness");
        assertEquals(List.of(), events(), "no storm");
        verify(t0.plus(Duration.ofHours(73)), "cur-freshness");
        assertEquals(List.of("UNHEALTHY"), events(), "a reminder 24 h after the alert");

        manifest("2026-06", t0.plus(Duration.ofHours(74)));
        assertEquals(State.OK, verify(t0.plus(Duration.ofHours(75)), "cur-freshness"));
        assertEquals(List.of("HEALTHY"), events(), "one recovery");
        verify(t0.plus(Duration.ofHours(76)), "cur-freshness");
        assertEquals(List.of(), events());
    }

    @Test
    void theTurnOfTheMonthIsNoAlarmWhileTheNewPeriodIsWithinItsWindow() {
        connect(Fixtures.cur2("X"), at("2026-01-01T00:00:00Z"));
        healthyExport(null);
        manifest("2026-05", at("2026-06-03T04:00:00Z"));
        manifest("2026-06", at("2026-06-30T20:00:00Z"));
        assertEquals(State.OK, verify(at("2026-06-30T22:00:00Z"), "cur-freshness"));
        events();

        assertEquals(State.OK, verify(at("2026-07-01T10:00:00Z"), "cur-freshness"), "July has no data yet: fine");
        assertTrue(check("cur-freshness").detail().contains("The first delivery of 2026-07 is due by 2026-07-03T00:00Z"),
                check("cur-freshness").detail());
        manifest("2026-06", at("2026-07-02T06:00:00Z"));
        assertEquals(State.OK, verify(at("2026-07-02T23:00:00Z"), "cur-freshness"), "AWS still rewrites June");
        assertEquals(List.of(), events(), "no event at the turn of the month");

        manifest("2026-06", at("2026-07-03T02:00:00Z"));
        assertEquals(State.LATE, verify(at("2026-07-03T06:00:00Z"), "cur-freshness"), "July late after 48 h");
        assertTrue(check("cur-freshness").detail().contains("billing period 2026-07 has no CUR delivery yet, 54 h"),
                check("cur-freshness").detail());
        assertEquals(List.of("DEGRADED"), events());

        manifest("2026-07", at("2026-07-03T08:00:00Z"));
        assertEquals(State.OK, verify(at("2026-07-03T09:00:00Z"), "cur-freshness"));
        assertEquals(List.of("HEALTHY"), events());
    }

    @Test
    void onTheThirdTheNewestDeliveryIsThePreviousMonthsFinalChargesNotAFalseMissing() {
        connect(Fixtures.cur2("X"), at("2026-01-01T00:00:00Z"));
        healthyExport(null);
        manifest("2026-07", at("2026-07-01T06:00:00Z"));
        manifest("2026-06", at("2026-07-03T08:00:00Z"));
        assertEquals(State.OK, verify(at("2026-07-03T12:00:00Z"), "cur-freshness"));
        assertTrue(check("cur-freshness").detail().startsWith("The newest CUR delivery (billing period 2026-07) is 4 h old"),
                check("cur-freshness").detail());
        assertEquals(HealthStatus.HEALTHY, status());
    }

    @Test
    void aRecreatedExportHasItsOwnFirstDeliveryWindow() {
        connect(Fixtures.cur2("X"), at("2026-01-01T00:00:00Z"));
        manifest("2026-06", at("2026-06-20T06:00:00Z"));
        healthyExport(at("2026-06-25T10:00:00Z"));
        assertEquals(State.PENDING_FIRST, verify(at("2026-06-25T12:00:00Z"), "cur-freshness"),
                "the old export's deliveries do not count against the new one");
        assertTrue(check("cur-freshness").detail().contains("export X was created 2 h ago"),
                check("cur-freshness").detail());
        assertEquals(State.LATE, verify(at("2026-06-26T12:00:00Z"), "cur-freshness"));
        manifest("2026-06", at("2026-06-26T13:00:00Z"));
        assertEquals(State.OK, verify(at("2026-06-26T14:00:00Z"), "cur-freshness"));
    }

    @Test
    void aManifestOfTheExportsCreationSecondIsItsOwn() {
        connect(Fixtures.cur2("X"), at("2026-01-01T00:00:00Z"));
        healthyExport(at("2026-06-25T10:00:00.750Z"));
        manifest("2026-06", at("2026-06-25T10:00:00Z"));
        assertEquals(State.OK, verify(at("2026-06-26T12:00:00Z"), "cur-freshness"), "S3 keeps whole seconds");
    }

    @Test
    void carbonIsPendingOnItsFirstDayThenLateUntilLastMonthArrives() {
        Instant t0 = at("2026-06-25T09:00:00Z");
        connect(Fixtures.withCarbon(Fixtures.cur2("X"), new Feed("reports/carbon", new ExportRef("C", null))), t0);
        manifest("2026-06", t0.plus(Duration.ofHours(1)));
        assertEquals(State.PENDING_FIRST, verify(t0.plus(Duration.ofHours(2)), "carbon-month"));
        assertEquals(State.LATE, verify(t0.plus(Duration.ofHours(26)), "carbon-month"));
        assertEquals(Check.Result.WARN, check("carbon-month").result(), "carbon never pages anyone");
        aws.put("reports/carbon/C/metadata/usage_period=2026-05/C-Manifest.json", t0.plus(Duration.ofHours(27)));
        assertEquals(State.OK, verify(t0.plus(Duration.ofHours(28)), "carbon-month"));
    }

    @ParameterizedTest
    @CsvSource({
        "INSUFFICIENT_PERMISSION, bucket policy does not let bcm-data-exports.amazonaws.com write",
        "BILL_OWNER_CHANGED, joined or left an AWS Organization",
        "INTERNAL_FAILURE, usually clears at the next refresh",
        "DEPRECATED, recreate the export with the current table version"})
    void anExportFailingWithEachReasonSaysWhatToDo(String reason, String fix) {
        connect(Fixtures.cur2("X"), at("2026-01-01T00:00:00Z"));
        manifest("2026-06", at("2026-06-25T06:00:00Z"));
        aws.exports.put("X", new ExportState("X", "UNHEALTHY", reason, null, null, null));
        assertEquals(State.FAILED, verify(at("2026-06-25T12:00:00Z"), "cur-export"));
        assertTrue(check("cur-export").detail().startsWith("Export X is UNHEALTHY (" + reason + "): "));
        assertTrue(check("cur-export").detail().contains(fix), check("cur-export").detail());
        assertEquals(List.of("UNHEALTHY"), events());

        aws.exports.put("X", new ExportState("X", "HEALTHY", null, null, null,
                new LatestRun("DELIVERY_FAILURE", reason, false)));
        assertEquals(State.FAILED, verify(at("2026-06-25T13:00:00Z"), "cur-export"), "a failed run, same fix");
        assertTrue(check("cur-export").detail().contains("ended in DELIVERY_FAILURE (" + reason + "): "));
        assertTrue(check("cur-export").detail().contains(fix), check("cur-export").detail());

        aws.exports.put("X", new ExportState("X", "HEALTHY", null, null, null,
                new LatestRun("DELIVERY_SUCCESS", null, false)));
        assertEquals(State.OK, verify(at("2026-06-25T14:00:00Z"), "cur-export"));
        assertEquals(List.of("HEALTHY"), events());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"A_REASON_AWS_ADDS_LATER", "not an enum <script>"})
    void anUnknownOrMissingReasonStillSaysWhereToLookAndNeverQuotesOddText(String reason) {
        Check c = ExportStatusCheck.of("cur-export", "X", "UNHEALTHY", reason, null, null, null);
        assertEquals(State.FAILED, c.state());
        assertTrue(c.detail().contains("Billing and Cost Management console"), c.detail());
        assertTrue(!c.detail().contains("<script>"), c.detail());
    }

    @ParameterizedTest
    @CsvSource({
        "ERROR_PERMISSIONS, FAILED, billingreports.amazonaws.com",
        "ERROR_NO_BUCKET, FAILED, its bucket no longer exists",
        "SUCCESS, OK, last delivered with status SUCCESS"})
    void aCur1ReportsDeliveryStatus(String lastStatus, State state, String text) {
        Check c = ExportStatusCheck.legacyReport("R", Optional.of(new ReportState(lastStatus)));
        assertEquals(state, c.state());
        assertTrue(c.detail().contains(text), c.detail());
    }

    @Test
    void anInvalidDeliveryIsItsOwnFailureAndTheNextValidOneClearsIt() {
        connect(Fixtures.cur2("X"), at("2026-01-01T00:00:00Z"));
        healthyExport(null);
        manifest("2026-06", at("2026-06-25T06:00:00Z"));
        store.reported = new DeliveryReports(List.of(new ReportedDelivery("CUR2", "X", Map.of("type",
                "delivery.invalid", "billingPeriod", "2026-06", "receivedAt", "2026-06-25T06:05:00Z"),
                at("2026-06-24T06:05:00Z"), List.of("reports/cur2/X/data/BILLING_PERIOD=2026-06/X-00002.snappy.parquet: "
                + "not a Parquet file (no PAR1 at its end)"))));
        assertEquals(State.INVALID, verify(at("2026-06-25T08:00:00Z"), "delivery-valid"));
        assertEquals(State.OK, check("cur-freshness").state(), "it arrived: not missing");
        assertEquals(HealthStatus.UNHEALTHY, status());
        String detail = check("delivery-valid").detail();
        assertTrue(detail.startsWith("The last CUR2 X (2026-06) received 2026-06-25T06:05:00Z is invalid: reports/cur2/X/"
                + "data/BILLING_PERIOD=2026-06/X-00002.snappy.parquet: not a Parquet file"), detail);
        assertTrue(detail.contains("Its last valid delivery was received 2026-06-24T06:05:00Z."), detail);
        assertTrue(detail.contains("AWS rewrites the billing period at its next refresh"), detail);
        assertEquals(List.of("UNHEALTHY"), events());

        store.reported = new DeliveryReports(List.of(new ReportedDelivery("CUR2", "X", Map.of("type",
                "delivery.completed", "billingPeriod", "2026-06", "receivedAt", "2026-06-25T14:05:00Z"),
                at("2026-06-25T14:05:00Z"), List.of())));
        assertEquals(State.OK, verify(at("2026-06-25T15:00:00Z"), "delivery-valid"));
        assertEquals(List.of("HEALTHY"), events(), "one recovery");
    }

    @Test
    void aFocusExportIsCheckedLikeCur2InItsOwnPrefixWhateverThePartitionsCase() {
        Instant t0 = at("2026-06-01T00:00:00Z");
        String queue = "https://sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures";
        connect(Fixtures.withFailureQueue(Fixtures.withFocus(Fixtures.cur2("X"),
                new Feed("reports/focus", new ExportRef("F", null))), new BillingFacts.FailureQueue(queue, "us-east-1")), t0);
        aws.queues.put(queue, 0);
        healthyExport(null);
        manifest("2026-06", at("2026-06-25T06:00:00Z"));
        aws.exports.put("F", new ExportState("F", "HEALTHY", null, t0, null, null));
        aws.put("reports/focus/F/metadata/billing_period=2026-06/F-Manifest.json", at("2026-06-25T07:00:00Z"));
        assertEquals(State.OK, verify(at("2026-06-25T08:00:00Z"), "focus-freshness"));
        assertTrue(check("focus-freshness").detail().startsWith("The newest FOCUS delivery (billing period 2026-06) is 1 h"),
                check("focus-freshness").detail());
        assertEquals(State.OK, check("focus-export").state());
        aws.put("reports/focus/F/metadata/BILLING_PERIOD=2026-07/F-Manifest.json", at("2026-07-01T07:00:00Z"));
        manifest("2026-06", at("2026-06-30T20:00:00Z"));
        assertEquals(State.OK, verify(at("2026-07-01T08:00:00Z"), "focus-freshness"), "upper case too");
        assertTrue(check("focus-freshness").detail().contains("(billing period 2026-07) is 1 h"));
        assertTrue(check("cur-freshness").detail().contains("The first delivery of 2026-07 is due by"));

        aws.exports.put("F", new ExportState("F", "UNHEALTHY", "DEPRECATED", t0, null, null));
        assertEquals(State.FAILED, verify(at("2026-07-04T08:00:00Z"), "focus-export"));
        assertEquals(State.MISSING, check("focus-freshness").state(), "72 h without a FOCUS delivery");
        assertEquals(List.of("assume-role", "cur-freshness", "focus-freshness", "delivery-valid", "delivery-failures",
                "cur-export", "focus-export"),
                store.checks.stream().map(Check::name).toList(), "the documented order");
    }
}
