"""The vendor stack's CloudWatch dashboard: vendor.yaml holds exactly the body `costlink dashboard` generates from
metrics.json, the body has CloudWatch's structure, and every widget watches a declared metric (exactly one of its
dimension sets) or AWS's metric of one of the stack's own resources."""
import copy
import json
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, load_template
from costlink_tools import dashboard
from costlink_tools.metric_catalog import CATALOG_PATH, MetricCatalog
from costlink_tools.ops_contract import problems

VENDOR = load_template(ROOT / "vendor.yaml")
CATALOG = MetricCatalog.load()
BODY = dashboard.parse(dashboard.committed_body(VENDOR))


def test_vendor_yaml_holds_the_generated_body():
    assert dashboard.committed_body(VENDOR) == dashboard.body(CATALOG)
    assert dashboard.check() == []


def test_the_check_command_passes_and_fails_on_a_stale_body(tmp_path):
    result = subprocess.run([str(ROOT / "costlink"), "dashboard", "--check"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    stale = tmp_path / "vendor.yaml"
    stale.write_text((ROOT / "vendor.yaml").read_text().replace('"title": "Verification dead-letter queue"',
                                                                '"title": "Edited by hand"'))
    found = dashboard.check(stale)
    assert len(found) == 1 and "differs from the generated one" in found[0]


def test_write_puts_the_generated_body_into_a_stale_template(tmp_path):
    copy_ = tmp_path / "vendor.yaml"
    shutil.copy(ROOT / "vendor.yaml", copy_)
    copy_.write_text(copy_.read_text().replace('"ConnectionsQueued"]', '"ConnectionsQueuedOld"]'))
    assert dashboard.check(copy_)
    dashboard.write(copy_)
    assert copy_.read_text() == (ROOT / "vendor.yaml").read_text()


def test_the_body_is_a_substitution_of_the_region_the_verification_period_and_this_stacks_resources():
    sub = VENDOR["Resources"]["OpsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    assert sub[1] == {"VerificationPeriod": {"Fn::FindInMap": ["VerificationIntervals",
                                                               {"Ref": "VerificationIntervalMinutes"}, "Seconds"]}}
    variables = set(re.findall(r"\$\{([^}]+)\}", sub[0]))
    resources = VENDOR["Resources"]
    for v in variables - {"AWS::Region", "VerificationPeriod"}:
        logical, _, attribute = v.partition(".")
        assert logical in resources, v
        assert attribute in ("", "Arn", "QueueName"), v
        if attribute == "QueueName":
            assert resources[logical]["Type"] == "AWS::SQS::Queue"
        if attribute == "Arn":
            assert resources[logical]["Type"] == "AWS::CloudWatch::Alarm"


@pytest.mark.parametrize("period", [900, 3600, 86400])
def test_the_body_has_cloudwatchs_structure(period):
    assert dashboard.structure_problems(dashboard.parse(dashboard.committed_body(VENDOR), period)) == []


def widget_of(kind, body=BODY):
    return next(w for w in body["widgets"] if w["type"] == kind)


BROKEN = {
    "no widgets array": lambda b: b.pop("widgets"),
    "unknown top-level member": lambda b: b.update(refresh=60),
    "unknown widget type": lambda b: widget_of("text", b).update(type="graph"),
    "x outside the grid": lambda b: widget_of("metric", b).update(x=24),
    "wider than the grid": lambda b: widget_of("metric", b).update(x=13, width=12),
    "zero height": lambda b: widget_of("metric", b).update(height=0),
    "text without markdown": lambda b: widget_of("text", b)["properties"].pop("markdown"),
    "alarm widget without alarms": lambda b: widget_of("alarm", b)["properties"].update(alarms=[]),
    "metric widget without region": lambda b: widget_of("metric", b)["properties"].pop("region"),
    "period not a multiple of 60": lambda b: widget_of("metric", b)["properties"].update(period=90),
    "unknown view": lambda b: widget_of("metric", b)["properties"].update(view="heatmap"),
    "metrics not arrays": lambda b: widget_of("metric", b)["properties"].update(metrics=["CostLink"]),
    "metric row without its name": lambda b: widget_of("metric", b)["properties"]["metrics"].append(["CostLink"]),
    "expression id in capitals": lambda b: widget_of("metric", b)["properties"]["metrics"][0][0].update(id="S1"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_each_structure_rule_fails_a_broken_body(name):
    body = copy.deepcopy(BODY)
    BROKEN[name](body)
    assert dashboard.structure_problems(body), name


def test_every_widget_metric_is_declared_or_an_aws_metric_of_this_stack():
    watched = dashboard.watched(BODY)
    assert len(watched) >= 10
    assert [p for m in watched for p in problems(m, CATALOG, VENDOR["Resources"])] == []


def test_the_dashboard_shows_what_the_ops_team_asked_for():
    panels = {w["properties"]["title"]: w for w in BODY["widgets"] if w["type"] == "metric"}

    def shown(title):
        return {(m.namespace, m.name, tuple(sorted(m.dimensions))) for m in dashboard.watched({"widgets": [panels[title]]})}

    assert shown("Connections verified per round, by status") == {("CostLink", "ConnectionsChecked", ("Status",))}
    assert shown("Verifier run duration (scheduler, ms)") == {("CostLink", "VerifierRunDuration", ())}
    assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible", ("QueueName",)) in shown("Verification dead-letter queue")
    assert shown("Registry requests: accepted, duplicate, refused") == {
        ("CostLink", name, ()) for name in ("EventsAccepted", "EventsDuplicate", "EventsRefused")}
    age = panels["Age of the newest valid CUR delivery, per connection (hours)"]["properties"]["metrics"]
    assert [r[-1]["stat"] for r in age] == ["p50", "p90", "Maximum"], "a distribution, not an average"
    dead_letters = panels["Verification dead-letter queue"]["properties"]["metrics"][0]
    assert dead_letters[:4] == ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
                                "${VerificationFailures.QueueName}"]
    alarms = [a[2:-5] for a in widget_of("alarm")["properties"]["alarms"]]
    assert alarms == [k for k, r in VENDOR["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == 4


def test_every_vendor_metric_is_on_the_dashboard_and_no_customer_metric_is():
    shown = {m.name for m in dashboard.watched(BODY) if m.namespace == CATALOG.namespace}
    assert shown == {m.name for m in CATALOG.metrics.values() if m.in_vendor_account}


def catalogue_with(change):
    doc = json.loads(CATALOG_PATH.read_text())
    change(doc["metrics"])
    return MetricCatalog.parse(doc)


def test_a_metric_added_to_the_catalogue_gets_a_panel_without_editing_the_generator():
    added = catalogue_with(lambda m: m.update(ScheduleLagSeconds={
        "unit": "Seconds", "dimensionSets": [[], ["Stage"], ["Stage", "Shard"]], "emittedBy": "verifier-schedule"}))
    doc = dashboard.parse(dashboard.body(added))
    new = [m for m in dashboard.watched(doc) if m.name == "ScheduleLagSeconds"]
    assert {tuple(sorted(m.dimensions)) for m in new} == {(), ("Stage",), ("Shard", "Stage")}
    assert [p for m in new for p in problems(m, added, VENDOR["Resources"])] == []
    assert dashboard.structure_problems(doc) == []
    assert "ScheduleLagSeconds" not in dashboard.body(catalogue_with(
        lambda m: m.update(ScheduleLagSeconds={"unit": "Seconds", "dimensionSets": [[]],
                                               "emittedBy": "delivery-detector"})))


def test_a_metric_renamed_in_the_catalogue_fails_generation_and_the_check():
    renamed = catalogue_with(lambda m: m.update(ConnectionsCheckedTotal=m.pop("ConnectionsChecked")))
    with pytest.raises(KeyError, match="ConnectionsChecked"):
        dashboard.body(renamed)
    body_problems = [p for m in dashboard.watched(BODY) for p in problems(m, renamed, VENDOR["Resources"])]
    assert body_problems and all("ConnectionsChecked" in p for p in body_problems)


def test_a_dimension_the_catalogue_does_not_declare_fails_the_check():
    doc = copy.deepcopy(BODY)
    search = widget_of("metric", doc)["properties"]["metrics"][0][0]
    search["expression"] = search["expression"].replace("Status", "Tenant")
    found = [p for m in dashboard.watched(doc) for p in problems(m, CATALOG, VENDOR["Resources"])]
    assert found and "none of its declared dimension sets" in found[0]
