"""The vendor stack's ops alarms ("who watches the watcher"): each watches exactly a metric the code emits (the
catalogue metrics.json, which dev.costlink.common.Metrics refuses to leave), notifies the health topic in a way
CloudWatch can deliver, stays within CloudWatch's limits for every allowed parameter value, and judges the situations
it exists for as intended (a model of CloudWatch's evaluation: tests/support/metric_math.py)."""
import copy
import itertools
import json
import re

import pytest

from conftest import ROOT, load_template
from costlink_tools.metric_catalog import CATALOG_PATH, MetricCatalog
from costlink_tools.ops_contract import problems
from support.alarms import alarmed_emf_metrics, alarms, parameter_defaults, resolve, watched_metrics
from support.metric_math import datapoint, evaluate, fires, tokens

VENDOR = load_template(ROOT / "vendor.yaml")
CATALOG = MetricCatalog.load()
ALARMS = alarms(VENDOR)
EXPECTED = {"VerifierSilentAlarm", "VerificationDeadLettersAlarm", "RegistryRefusalsAlarm", "VerifierWorkerErrorsAlarm"}


def resolved(name, **overrides):
    params = {**parameter_defaults(VENDOR), **{k: str(v) for k, v in overrides.items()}}
    return resolve(ALARMS[name]["Properties"], VENDOR, params)


# ---------------------------------------------------------------------------------------------------- the contract
def test_the_stack_has_the_ops_alarms():
    assert set(ALARMS) == EXPECTED


def test_every_alarm_watches_a_declared_metric_or_an_aws_metric_of_this_stack():
    watched = watched_metrics(VENDOR)
    assert {m.where.split(".")[0] for m in watched} == EXPECTED
    found = [p for m in watched for p in problems(m, CATALOG, VENDOR["Resources"])]
    assert found == []


def test_the_alarmed_costlink_metrics_are_the_declared_total_series():
    assert alarmed_emf_metrics(VENDOR, CATALOG.namespace) == {
        ("CostLink", name, frozenset()) for name in
        ("VerifierRuns", "ConnectionsQueued", "ConnectionsChecked", "EventsAccepted", "EventsDuplicate",
         "EventsRefused", "WorkerErrors")}


@pytest.mark.parametrize("metric", sorted({m.name for m in watched_metrics(VENDOR) if m.namespace == "CostLink"}))
def test_renaming_an_alarmed_metric_in_the_catalogue_breaks_the_contract(metric):
    doc = json.loads(CATALOG_PATH.read_text())
    doc["metrics"][metric + "Renamed"] = doc["metrics"].pop(metric)
    renamed = MetricCatalog.parse(doc)
    found = [p for m in watched_metrics(VENDOR) for p in problems(m, renamed, VENDOR["Resources"])]
    assert found and all(metric in p and "not declared" in p for p in found)


@pytest.mark.parametrize("metric", sorted({m.name for m in watched_metrics(VENDOR) if m.namespace == "CostLink"}))
def test_an_alarm_fails_the_contract_when_its_dimension_set_is_no_longer_declared(metric):
    doc = json.loads(CATALOG_PATH.read_text())
    doc["metrics"][metric]["dimensionSets"] = [["Shard"]]
    found = [p for m in watched_metrics(VENDOR) for p in problems(m, MetricCatalog.parse(doc), VENDOR["Resources"])]
    assert found and all("none of its declared dimension sets" in p for p in found)


def test_the_contract_refuses_customer_side_metrics_and_foreign_resources():
    from costlink_tools.ops_contract import WatchedMetric
    resources = VENDOR["Resources"]
    assert problems(WatchedMetric("x", "CostLink", "DeliveriesCompleted", {}), CATALOG, resources)
    assert problems(WatchedMetric("x", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                                  {"QueueName": ("Literal", "someone-elses-queue")}), CATALOG, resources)
    assert problems(WatchedMetric("x", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                                  {"QueueName": ("GetAtt", "HealthTopic", "QueueName")}), CATALOG, resources)
    assert problems(WatchedMetric("x", "AWS/Lambda", "Errors", {"FunctionName": ("Ref", "RegistryRole")}),
                    CATALOG, resources)
    assert problems(WatchedMetric("x", "AWS/Lambda", "Errorz", {"FunctionName": ("Ref", "RegistryFunction")}),
                    CATALOG, resources)
    assert problems(WatchedMetric("x", "AWS/EC2", "CPUUtilization", {}), CATALOG, resources)
    assert not problems(WatchedMetric("x", "AWS/Lambda", "Errors", {"FunctionName": ("Ref", "RegistryFunction")}),
                        CATALOG, resources)


def test_every_emitter_of_the_catalogue_is_a_known_function():
    from costlink_tools.metric_catalog import CUSTOMER_EMITTERS, VENDOR_EMITTERS
    connection = load_template(ROOT / "template.yaml")
    for metric in CATALOG.metrics.values():
        assert metric.emitted_by in {**VENDOR_EMITTERS, **CUSTOMER_EMITTERS}, metric.name
    assert all(VENDOR["Resources"][f]["Type"] == "AWS::Serverless::Function" for f in VENDOR_EMITTERS.values())
    assert all(connection["Resources"][f]["Type"] == "AWS::Serverless::Function" for f in CUSTOMER_EMITTERS.values())


# ---------------------------------------------------------------------------------------------------- delivery
def test_every_alarm_notifies_the_health_topic_when_it_fires_and_when_it_clears():
    for name, alarm in ALARMS.items():
        p = alarm["Properties"]
        assert p["ActionsEnabled"] is True, name
        assert p["AlarmActions"] == [{"Ref": "HealthTopic"}] == p["OKActions"], name
    email = VENDOR["Resources"]["HealthEmail"]
    assert email["Properties"]["TopicArn"] == {"Ref": "HealthTopic"} and email["Condition"] == "HasAlertEmail"


def test_cloudwatch_can_publish_to_the_encrypted_health_topic():
    """An alarm publishes to an encrypted topic only through a customer managed key that lets cloudwatch.amazonaws.com
    use it; with aws/sns the notifications are dropped (SNS Developer Guide, compatibility with AWS services)."""
    resources = VENDOR["Resources"]
    key_ref = resources["HealthTopic"]["Properties"]["KmsMasterKeyId"]
    assert key_ref == {"Ref": "HealthTopicKey"}
    key = resources["HealthTopicKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    grants = [s for s in key["KeyPolicy"]["Statement"] if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}]
    assert len(grants) == 1 and grants[0]["Effect"] == "Allow"
    assert set(grants[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_the_verifier_worker_may_still_publish_to_the_topic_through_its_key():
    policy = VENDOR["Resources"]["VerifierWorkerHealthTopicKeyPolicy"]["Properties"]
    assert policy["Roles"] == [{"Ref": "VerifierWorkerRole"}]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert set(statement["Action"]) == {"kms:GenerateDataKey", "kms:Decrypt"}
    assert statement["Resource"] == {"Fn::GetAtt": ["HealthTopicKey", "Arn"]}
    assert statement["Condition"] == {"StringEquals": {"kms:ViaService": {"Fn::Sub": "sns.${AWS::Region}.amazonaws.com"}}}
    worker = VENDOR["Resources"]["VerifierWorkerFunction"]["Properties"]
    assert worker["Role"] == {"Fn::GetAtt": ["VerifierWorkerRole", "Arn"]}


def test_the_dead_letter_alarm_watches_the_verification_queues_dead_letter_queue():
    redrive = VENDOR["Resources"]["VerificationQueue"]["Properties"]["RedrivePolicy"]
    dlq = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
    p = ALARMS["VerificationDeadLettersAlarm"]["Properties"]
    assert (p["Namespace"], p["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert p["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}]


# ---------------------------------------------------------------------------------------------------- limits
INTERVALS = VENDOR["Parameters"]["VerificationIntervalMinutes"]["AllowedValues"]
OPS_PERIODS = VENDOR["Parameters"]["OpsAlarmPeriodSeconds"]["AllowedValues"]


def test_each_verification_interval_maps_to_its_schedule_and_seconds():
    mapping = VENDOR["Mappings"]["VerificationIntervals"]
    assert set(mapping) == {str(v) for v in INTERVALS}
    units = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}
    for minutes in INTERVALS:
        entry = mapping[str(minutes)]
        assert int(entry["Seconds"]) == int(minutes) * 60
        m = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", entry["Schedule"])
        assert m, entry["Schedule"]
        value, unit = int(m.group(1)), m.group(2)
        assert value * units[unit] == int(minutes)
        assert (value == 1) == (not unit.endswith("s")), "EventBridge: singular unit for 1, plural otherwise"
    schedule = VENDOR["Resources"]["VerifierScheduleFunction"]["Properties"]["Events"]["Schedule"]["Properties"]
    assert schedule["Schedule"] == {"Fn::FindInMap": ["VerificationIntervals", {"Ref": "VerificationIntervalMinutes"},
                                                      "Schedule"]}


def test_the_silence_alarm_period_is_the_verification_interval():
    p = ALARMS["VerifierSilentAlarm"]["Properties"]
    periods = {json.dumps(q["MetricStat"]["Period"]) for q in p["Metrics"] if "MetricStat" in q}
    assert periods == {json.dumps({"Fn::FindInMap": ["VerificationIntervals", {"Ref": "VerificationIntervalMinutes"},
                                                     "Seconds"]})}
    assert (p["EvaluationPeriods"], p["DatapointsToAlarm"], p["TreatMissingData"]) == (2, 2, "breaching")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_alarms_stay_within_cloudwatch_limits_for_every_allowed_parameter_value(name):
    long_stack = "S" * 128  # CloudFormation's longest stack name
    for interval, ops_period in itertools.product(INTERVALS, OPS_PERIODS):
        p = resolved(name, VerificationIntervalMinutes=interval, OpsAlarmPeriodSeconds=ops_period)
        alarm_name = p["AlarmName"].replace("${AWS::StackName}", long_stack)
        assert 1 <= len(alarm_name) <= 255
        assert len(p["AlarmDescription"]) <= 1024
        periods = [int(p["Period"])] if "Period" in p else [int(q["MetricStat"]["Period"])
                                                            for q in p["Metrics"] if "MetricStat" in q]
        for period in periods:
            assert period % 60 == 0 and period >= 60
            limit = 86_400 if period < 3600 else 604_800
            assert period * int(p["EvaluationPeriods"]) <= limit, (name, interval, ops_period)
        assert 1 <= int(p.get("DatapointsToAlarm", p["EvaluationPeriods"])) <= int(p["EvaluationPeriods"])
        if "Metrics" in p:
            assert "MetricName" not in p and "Period" not in p
            assert len(p["Metrics"]) <= 10
            assert sum(1 for q in p["Metrics"] if q.get("ReturnData", True)) == 1
            ids = [q["Id"] for q in p["Metrics"]]
            assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[a-z][A-Za-z0-9_]*", i) for i in ids)
            for q in p["Metrics"]:
                assert ("Expression" in q) != ("MetricStat" in q)
                if "Expression" in q:
                    assert 1 <= len(q["Expression"]) <= 2048
                    names = {t for t in tokens(q["Expression"]) if re.fullmatch(r"[a-z][A-Za-z0-9_]*", t)}
                    assert names <= set(ids) - {q["Id"]}, q["Expression"]
                else:
                    assert "Unit" not in q["MetricStat"], "a unit that differs from the emitted one reads nothing"


def test_thresholds_are_parameters_with_sane_defaults():
    params = VENDOR["Parameters"]
    assert ALARMS["RegistryRefusalsAlarm"]["Properties"]["Threshold"] == {"Ref": "RegistryRefusalPercent"}
    assert ALARMS["VerifierWorkerErrorsAlarm"]["Properties"]["Threshold"] == {"Ref": "WorkerErrorsThreshold"}
    assert 1 <= params["RegistryRefusalPercent"]["Default"] <= 50 and params["RegistryRefusalPercent"]["MaxValue"] == 100
    assert params["RegistryRefusalMinimumRequests"]["Default"] >= 10
    assert params["WorkerErrorsThreshold"]["Default"] >= 1
    groups = [g["Parameters"] for g in VENDOR["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]]
    grouped = {p for g in groups for p in g}
    assert {"OpsAlarmPeriodSeconds", "RegistryRefusalPercent", "RegistryRefusalMinimumRequests",
            "WorkerErrorsThreshold", "VerificationIntervalMinutes"} <= grouped


# ---------------------------------------------------------------------------------------------------- behaviour
def round_(runs=1, queued=None, checked=None):
    return {"runs": runs, "queued": queued, "checked": checked}


@pytest.mark.parametrize("periods, expected", [
    ([round_(1, 40, 40), round_(1, 40, 40)], False),
    # A vendor with no active connection: the scheduler runs, queues and checks nothing.
    ([round_(1, 0, None), round_(1, None, None)], False),
    # The scheduler never ran: no metric at all, in either representation of "nothing".
    ([{}, {}], True),
    ([round_(None), round_(None)], True),
    # It stopped, while workers still drain retries.
    ([round_(None, None, 3), round_(None, None, 1)], True),
    # Connections queued, the workers checked none: twice alarms, once does not.
    ([round_(1, 40, 0), round_(1, 40, None)], True),
    ([round_(1, 40, 40), round_(1, 40, None)], False),
    # One missed round (a schedule firing late) is not two.
    ([round_(1, 40, 40), round_(None)], False),
    ([round_(None), round_(1, 40, 40)], False),
])
def test_the_silence_alarm(periods, expected):
    assert fires(resolved("VerifierSilentAlarm"), periods) is expected


def registry(accepted=None, duplicate=None, refused=None):
    return {"accepted": accepted, "duplicate": duplicate, "refused": refused}


@pytest.mark.parametrize("periods, expected", [
    ([registry(), registry()], False),                                  # no traffic
    ([registry(refused=1), registry(refused=1)], False),                # one refusal at night, twice: below volume
    ([registry(10, 0, 9), registry(9, 1, 9)], False),                   # 19 requests: below the minimum volume
    ([registry(15, 0, 5), registry(15, 0, 5)], True),                   # 20 requests, 25% refused, twice
    ([registry(15, 0, 5), registry(90, 0, 10)], False),                 # 25%, then 10%
    ([registry(80, 0, 20), registry(80, 0, 20)], False),                # exactly 20% is not above 20%
    ([registry(0, 0, 500), registry(None, None, 500)], True),           # a flood of forged requests
    ([registry(10, 50, 20), registry(10, 50, 20)], True),               # duplicates count as requests
])
def test_the_registry_refusals_alarm(periods, expected):
    assert fires(resolved("RegistryRefusalsAlarm"), periods) is expected


def test_the_refusal_thresholds_follow_their_parameters():
    share_of_10_percent = [registry(90, 0, 10)] * 2
    assert not fires(resolved("RegistryRefusalsAlarm"), share_of_10_percent)
    assert fires(resolved("RegistryRefusalsAlarm", RegistryRefusalPercent=5), share_of_10_percent)
    assert not fires(resolved("RegistryRefusalsAlarm", RegistryRefusalPercent=5, RegistryRefusalMinimumRequests=101),
                     share_of_10_percent)


@pytest.mark.parametrize("counted, failed, expected", [
    (None, None, False), (4, None, False), (5, None, True), (None, 5, True), (3, 2, True), (2, 2, False)])
def test_the_worker_errors_alarm(counted, failed, expected):
    assert fires(resolved("VerifierWorkerErrorsAlarm"), [{"counted": counted, "failed": failed}]) is expected


@pytest.mark.parametrize("visible, expected", [(None, False), (0, False), (1, True), (250, True)])
def test_the_dead_letter_alarm(visible, expected):
    assert fires(resolved("VerificationDeadLettersAlarm"), [{"value": visible}]) is expected


def test_the_metric_math_model_reads_what_it_is_given():
    assert evaluate("IF(FILL(a, 0) == 0 OR (b > 1 AND c == 0), 1, 0)", {"a": None, "b": 0, "c": 0}) == 1
    assert evaluate("IF(FILL(a, 0) == 0 OR (b > 1 AND c == 0), 1, 0)", {"a": 1, "b": 5, "c": 0}) == 1
    assert evaluate("IF(FILL(a, 0) == 0 OR (b > 1 AND c == 0), 1, 0)", {"a": 1, "b": 5, "c": 2}) == 0
    assert evaluate("100 * a / b", {"a": 1, "b": 0}) is None
    assert evaluate("a + b", {"a": None, "b": 1}) is None
    assert datapoint(copy.deepcopy(resolved("RegistryRefusalsAlarm")),
                     {"accepted": 30, "duplicate": 0, "refused": 10}) == 25.0
