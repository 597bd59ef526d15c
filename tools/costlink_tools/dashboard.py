"""`costlink dashboard [--check | --write]`: the vendor stack's CloudWatch dashboard body, generated from metrics.json.

Prints the body (a Fn::Sub string: ${AWS::Region}, ${VerificationPeriod} and the stack's resources are filled in by
CloudFormation). --write puts it into vendor.yaml's OpsDashboard; --check exits 1 when vendor.yaml's body differs from
the generated one or watches a metric that is neither declared in metrics.json nor AWS's metric of a stack resource.

Curated panels show what the ops team looks at first; every other metric the vendor's functions declare gets a panel
of its own at the end, so a metric added to metrics.json appears on the dashboard without anyone editing it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .cfn_model import ROOT, load_template
from .metric_catalog import MetricCatalog
from .ops_contract import WatchedMetric, problems, sub_value

VENDOR = ROOT / "vendor.yaml"
RESOURCE = "OpsDashboard"
PERIOD_VARIABLE = "VerificationPeriod"  # the verification interval in seconds: one data point per round
_PERIOD_SENTINEL = "@@period@@"
REGISTRY_PERIOD = 300
WIDTH, HALF, HEIGHT = 24, 12, 6


@dataclass(frozen=True)
class Catalogued:
    """A CostLink metric without dimensions (its total), with optional rendering properties."""
    name: str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ByDimensions:
    """A CostLink metric broken down by one of its declared dimension sets: a SEARCH finds every value."""
    name: str
    dimensions: tuple[str, ...]
    stat: str = "Sum"


@dataclass(frozen=True)
class AwsMetric:
    """AWS's metric of one of the stack's resources, named by a ${...} substitution."""
    namespace: str
    name: str
    dimension: str
    resource: str
    options: dict = field(default_factory=dict)


@dataclass
class Panel:
    title: str
    metrics: list
    period: object = _PERIOD_SENTINEL
    stat: str = "Sum"
    stacked: bool = False


def curated_panels() -> list[Panel]:
    return [
        Panel("Connections verified per round, by status", [ByDimensions("ConnectionsChecked", ("Status",))],
              stacked=True),
        Panel("Age of the newest valid CUR delivery, per connection (hours)",
              [Catalogued("LastValidDeliveryAgeHours", {"stat": "p50", "label": "median"}),
               Catalogued("LastValidDeliveryAgeHours", {"stat": "p90", "label": "p90"}),
               Catalogued("LastValidDeliveryAgeHours", {"stat": "Maximum", "label": "oldest"})]),
        Panel("Verifier run duration (scheduler, ms)",
              [Catalogued("VerifierRunDuration", {"stat": "Average", "label": "average"}),
               Catalogued("VerifierRunDuration", {"stat": "Maximum", "label": "longest"})]),
        Panel("Verifier rounds: runs, connections queued and verified",
              [Catalogued("VerifierRuns"), Catalogued("ConnectionsQueued"), Catalogued("ConnectionsChecked")]),
        Panel("Registry requests: accepted, duplicate, refused",
              [Catalogued("EventsAccepted"), Catalogued("EventsDuplicate"), Catalogued("EventsRefused")],
              period=REGISTRY_PERIOD),
        Panel("Registry refusals by reason", [ByDimensions("EventsRefused", ("Reason",))], period=REGISTRY_PERIOD,
              stacked=True),
        Panel("Verification dead-letter queue",
              [AwsMetric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
                         "${VerificationFailures.QueueName}", {"stat": "Maximum", "label": "dead letters"}),
               AwsMetric("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", "${VerificationQueue.QueueName}",
                         {"stat": "Maximum", "label": "oldest queued message (s)", "yAxis": "right"})],
              period=REGISTRY_PERIOD),
        Panel("Verifier worker errors",
              [Catalogued("WorkerErrors", {"label": "counted by the worker"}),
               AwsMetric("AWS/Lambda", "Errors", "FunctionName", "${VerifierWorkerFunction}",
                         {"label": "failed invocations"}),
               AwsMetric("AWS/Lambda", "Throttles", "FunctionName", "${VerifierWorkerFunction}", {"label": "throttled"})]),
        Panel("Failed checks by check, and refused role assumptions",
              [ByDimensions("CheckFailures", ("Check",)), Catalogued("AssumeRoleFailures")]),
        Panel("Role proofs of PENDING connections: made ACTIVE, and not proved by reason",
              [Catalogued("RoleProofsSucceeded", {"label": "made ACTIVE"}), ByDimensions("RoleProofsFailed", ("Reason",))],
              stacked=True),
        Panel("Registry endpoint: errors and throttles (reserved concurrency)",
              [AwsMetric("AWS/Lambda", "Errors", "FunctionName", "${RegistryFunction}"),
               AwsMetric("AWS/Lambda", "Throttles", "FunctionName", "${RegistryFunction}")],
              period=REGISTRY_PERIOD),
    ]


def _shown(panels: list[Panel]) -> set[str]:
    return {m.name for p in panels for m in p.metrics if not isinstance(m, AwsMetric)}


def panels(catalog: MetricCatalog) -> list[Panel]:
    """The curated panels, then one panel per vendor-side metric that none of them shows: its total and each of its
    other declared dimension sets."""
    chosen = curated_panels()
    for name in _shown(chosen):
        catalog.metric(name)  # a curated metric renamed or removed in metrics.json fails generation here
    for metric in catalog.metrics.values():
        if metric.in_vendor_account and metric.name not in _shown(chosen):
            rows = [Catalogued(metric.name)] if frozenset() in metric.dimension_sets else []
            rows += [ByDimensions(metric.name, tuple(sorted(s))) for s in metric.dimension_sets if s]
            chosen.append(Panel(f"{metric.name} ({metric.emitted_by})", rows))
    return chosen


def _metric_row(catalog: MetricCatalog, m, period, search_id: str) -> list:
    if isinstance(m, Catalogued):
        return [catalog.namespace, m.name, *([m.options] if m.options else [])]
    if isinstance(m, ByDimensions):
        schema = ",".join((catalog.namespace, *m.dimensions))
        return [{"expression": f"SEARCH('{{{schema}}} MetricName=\"{m.name}\"', '{m.stat}', {period})",
                 "id": search_id}]
    return [m.namespace, m.name, m.dimension, m.resource, *([m.options] if m.options else [])]


def widgets(catalog: MetricCatalog, alarms: list[str]) -> list[dict]:
    out = [{"type": "text", "x": 0, "y": 0, "width": WIDTH, "height": 2, "properties": {"markdown": (
        "## CostLink vendor operations\n"
        "Generated from `metrics.json` by `./costlink dashboard --write` (edit the generator, not this body). "
        "Per-round graphs use the verification interval; alarms notify the health topic. The delivery detector's "
        "metrics live in each customer's account and are not shown here.")}},
           {"type": "alarm", "x": 0, "y": 2, "width": WIDTH, "height": 3, "properties": {
               "title": "Ops alarms", "alarms": [f"${{{a}.Arn}}" for a in alarms]}}]
    top = 5
    for i, panel in enumerate(panels(catalog)):
        rows = [_metric_row(catalog, m, panel.period, f"search{n}") for n, m in enumerate(panel.metrics)]
        out.append({"type": "metric", "x": 0 if i % 2 == 0 else HALF, "y": top + (i // 2) * HEIGHT, "width": HALF,
                    "height": HEIGHT, "properties": {
                        "title": panel.title, "region": "${AWS::Region}", "view": "timeSeries",
                        "stacked": panel.stacked, "stat": panel.stat, "period": panel.period, "metrics": rows}})
    return out


def alarms_of(template: dict) -> list[str]:
    return [k for k, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"]


def body(catalog: MetricCatalog | None = None, template: dict | None = None) -> str:
    """The DashboardBody, as the Fn::Sub string vendor.yaml holds (one trailing newline, as a YAML block keeps). The
    alarm widget lists the template's alarms."""
    alarms = alarms_of(template or load_template(VENDOR))
    text = "{\"widgets\": [\n" + ",\n".join(_format(w) for w in widgets(catalog or MetricCatalog.load(), alarms)) \
        + "\n]}"
    return text.replace(f'"{_PERIOD_SENTINEL}"', "${" + PERIOD_VARIABLE + "}").replace(
        _PERIOD_SENTINEL, "${" + PERIOD_VARIABLE + "}") + "\n"


def _format(widget: dict) -> str:
    """One widget: its place on a line, then one property per line and one metric (or alarm) per line."""
    place = json.dumps({k: v for k, v in widget.items() if k != "properties"})[:-1]
    props = widget["properties"]
    lines = ["   " + json.dumps({k: v for k, v in props.items() if not isinstance(v, list)})[1:-1]]
    for key, value in props.items():
        if isinstance(value, list):
            items = ",\n".join("    " + json.dumps(item) for item in value)
            lines.append(f"   {json.dumps(key)}: [\n{items}]")
    return " " + place + ', "properties": {\n' + ",\n".join(lines) + "}}"


# ---------------------------------------------------------------------------------------------------- checking
def committed_body(template: dict) -> str:
    sub = template["Resources"][RESOURCE]["Properties"]["DashboardBody"]["Fn::Sub"]
    return sub[0]


def parse(text: str, period: int = 3600) -> dict:
    """The body as CloudWatch receives it, with ${...} placeholders kept as strings (the period as a number)."""
    return json.loads(text.replace("${" + PERIOD_VARIABLE + "}", str(period)))


_SEARCH = re.compile(r"""^SEARCH\('\{([^,}]+),([^}]+)\} MetricName="([^"]+)"', '(\w+)', (\d+)\)$""")


def watched(body_doc: dict) -> list[WatchedMetric]:
    found = []
    for n, widget in enumerate(body_doc["widgets"]):
        if widget["type"] != "metric":
            continue
        where = f"widget {n} ({widget['properties'].get('title', '')})"
        for row in widget["properties"]["metrics"]:
            if isinstance(row[0], dict):
                search = _SEARCH.match(row[0]["expression"])
                if not search:
                    raise ValueError(f"{where}: an expression the checker cannot read: {row[0]['expression']}")
                namespace, dims, name = search.group(1), search.group(2).split(","), search.group(3)
                found.append(WatchedMetric(where, namespace, name, {d: ("Any",) for d in dims}))
                continue
            parts = [p for p in row if not isinstance(p, dict)]
            if "." in parts:
                raise ValueError(f"{where}: the '.' shorthand is not used by the generator")
            namespace, name, rest = parts[0], parts[1], parts[2:]
            found.append(WatchedMetric(where, namespace, name,
                                       {rest[i]: sub_value(rest[i + 1]) for i in range(0, len(rest), 2)}))
    return found


def structure_problems(body_doc: dict) -> list[str]:
    """CloudWatch's dashboard body structure (API Reference, "Dashboard Body Structure and Syntax")."""
    found = []
    if set(body_doc) - {"widgets", "variables", "start", "end", "periodOverride"} or "widgets" not in body_doc:
        found.append("the body has members other than widgets, variables, start, end, periodOverride")
    if not 0 <= len(body_doc.get("widgets", [])) <= 500:
        found.append("a dashboard holds 0-500 widgets")
    for n, w in enumerate(body_doc.get("widgets", [])):
        if w.get("type") not in ("metric", "text", "log", "alarm", "explorer"):
            found.append(f"widget {n}: unknown type")
        if not (isinstance(w.get("x"), int) and 0 <= w["x"] <= 23 and isinstance(w.get("y"), int) and w["y"] >= 0):
            found.append(f"widget {n}: x must be 0-23 and y 0 or more")
        if not (isinstance(w.get("width"), int) and 1 <= w["width"] <= 24 and w["x"] + w["width"] <= 24):
            found.append(f"widget {n}: width must be 1-24 and fit the 24-column grid")
        if not (isinstance(w.get("height"), int) and 1 <= w["height"] <= 1000):
            found.append(f"widget {n}: height must be 1-1000")
        props = w.get("properties")
        if not isinstance(props, dict):
            found.append(f"widget {n}: properties must be an object")
            continue
        if w["type"] == "text" and not isinstance(props.get("markdown"), str):
            found.append(f"widget {n}: a text widget needs markdown")
        if w["type"] == "alarm" and not (isinstance(props.get("alarms"), list) and props["alarms"]):
            found.append(f"widget {n}: an alarm widget needs alarms")
        if w["type"] == "metric":
            metrics = props.get("metrics")
            if not isinstance(props.get("region"), str):
                found.append(f"widget {n}: a metric widget needs its region")
            if not (isinstance(metrics, list) and 1 <= len(metrics) <= 500 and all(isinstance(r, list) for r in metrics)):
                found.append(f"widget {n}: metrics must be an array of 1-500 arrays")
                continue
            period = props.get("period", 300)
            if not (isinstance(period, int) and period >= 60 and period % 60 == 0):
                found.append(f"widget {n}: period must be a multiple of 60")
            if props.get("view", "timeSeries") not in ("timeSeries", "singleValue", "gauge", "bar", "pie", "table"):
                found.append(f"widget {n}: unknown view")
            ids = [r[0]["id"] for r in metrics if r and isinstance(r[0], dict)]
            if len(ids) != len(set(ids)) or not all(re.fullmatch(r"[a-z][A-Za-z0-9_]*", i) for i in ids):
                found.append(f"widget {n}: expression ids must be unique and start with a lowercase letter")
            for r in metrics:
                if not r or (isinstance(r[0], dict) and (len(r) != 1 or "expression" not in r[0])):
                    found.append(f"widget {n}: an expression row is one object with an expression")
                elif not isinstance(r[0], dict):
                    strings = [p for p in r if not isinstance(p, dict)]
                    if len(strings) < 2 or len(strings) % 2 or not all(isinstance(p, str) for p in strings) \
                            or len(r) - len(strings) > 1 or (len(r) > len(strings) and not isinstance(r[-1], dict)):
                        found.append(f"widget {n}: a metric row is namespace, name, dimension pairs, options")
    return found


def check(template_path: Path = VENDOR, catalog: MetricCatalog | None = None) -> list[str]:
    catalog = catalog or MetricCatalog.load()
    template = load_template(template_path)
    found = []
    committed = committed_body(template)
    if committed != body(catalog, template):
        found.append(f"{template_path.name}'s dashboard body differs from the generated one: run "
                     "`./costlink dashboard --write`")
    doc = parse(committed)
    found += structure_problems(doc)
    for metric in watched(doc):
        found += problems(metric, catalog, template["Resources"])
    return found


def write(template_path: Path = VENDOR, catalog: MetricCatalog | None = None) -> None:
    text = template_path.read_text()
    pattern = re.compile(r"(\n      DashboardBody: !Sub\n        - \|\n)((?:          .*\n)+)(        - )")
    if len(pattern.findall(text)) != 1:
        raise SystemExit(f"cannot find {RESOURCE}'s DashboardBody block in {template_path.name}")
    generated = body(catalog, load_template(template_path))
    lines = "".join("          " + line + "\n" for line in generated.rstrip("\n").split("\n"))
    template_path.write_text(pattern.sub(lambda m: m.group(1) + lines + m.group(3), text))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="costlink dashboard", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if vendor.yaml's body is stale or invalid")
    mode.add_argument("--write", action="store_true", help="write the generated body into vendor.yaml")
    args = p.parse_args(argv)
    if args.write:
        write()
        print(f"{VENDOR.name}: {RESOURCE} body written")
        return 0
    if args.check:
        found = check()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    sys.stdout.write(body())
    return 0


if __name__ == "__main__":
    sys.exit(main())
