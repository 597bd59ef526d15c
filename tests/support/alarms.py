"""The vendor stack's alarms as data: what each one watches, and its properties with parameters filled in.

`watched_metrics` feeds the contract test (every watched CostLink metric is declared in metrics.json exactly);
`alarmed_emf_metrics` is what an emulator test compares with `support.emf.emitted_metrics(...)` of the functions'
output, to prove that the built functions really emit every metric an alarm waits for."""
from __future__ import annotations

import re

from costlink_tools.ops_contract import WatchedMetric, cfn_value


def alarms(template: dict) -> dict[str, dict]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def watched_metrics(template: dict) -> list[WatchedMetric]:
    out = []
    for logical, alarm in alarms(template).items():
        p = alarm["Properties"]
        if "MetricName" in p:
            out.append(WatchedMetric(logical, p["Namespace"], p["MetricName"],
                                     {d["Name"]: cfn_value(d["Value"]) for d in p.get("Dimensions", [])}))
        for q in p.get("Metrics", []):
            if "MetricStat" in q:
                m = q["MetricStat"]["Metric"]
                out.append(WatchedMetric(f"{logical}.{q['Id']}", m["Namespace"], m["MetricName"],
                                         {d["Name"]: cfn_value(d["Value"]) for d in m.get("Dimensions", [])}))
    return out


def alarmed_emf_metrics(template: dict, namespace: str) -> set[tuple[str, str, frozenset[str]]]:
    """(namespace, metric, dimension keys) of every alarm's metric in `namespace`: what the code must emit."""
    return {(m.namespace, m.name, frozenset(m.dimensions)) for m in watched_metrics(template)
            if m.namespace == namespace}


def parameter_defaults(template: dict) -> dict[str, str]:
    return {k: str(v["Default"]) for k, v in template["Parameters"].items() if "Default" in v}


def resolve(value, template: dict, parameters: dict[str, str]):
    """Ref to a parameter, Fn::FindInMap and Fn::Sub of parameters resolved; other intrinsics kept as written."""
    if isinstance(value, list):
        return [resolve(v, template, parameters) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in parameters:
        return parameters[value["Ref"]]
    if set(value) == {"Fn::FindInMap"}:
        name, top, second = (resolve(v, template, parameters) for v in value["Fn::FindInMap"])
        return template["Mappings"][name][str(top)][second]
    if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return re.sub(r"\$\{([A-Za-z0-9]+)\}", lambda m: parameters[m.group(1)], value["Fn::Sub"])
    return {k: resolve(v, template, parameters) for k, v in value.items()}
