"""What the vendor stack's alarms and dashboard may watch: a CostLink metric exactly as metrics.json declares it (name
and one of its dimension sets), or an AWS metric of one of the stack's own resources (an SQS queue by QueueName, a
function by FunctionName). `./costlink dashboard --check` and tests/test_ops_alarms.py both judge with this."""
from __future__ import annotations

from dataclasses import dataclass

from .metric_catalog import MetricCatalog

# AWS's metrics the ops views may use, per namespace: the one dimension that names a resource of this stack, the
# resource type it must be, how the template names it (Ref, or GetAtt of an attribute), and the metric names.
AWS_METRICS = {
    "AWS/SQS": {"dimension": "QueueName", "type": "AWS::SQS::Queue", "ref": ("GetAtt", "QueueName"),
                "metrics": {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage",
                            "ApproximateNumberOfMessagesNotVisible", "NumberOfMessagesSent",
                            "NumberOfMessagesReceived", "NumberOfMessagesDeleted"}},
    "AWS/Lambda": {"dimension": "FunctionName", "type": "AWS::Serverless::Function", "ref": ("Ref", None),
                   "metrics": {"Errors", "Throttles", "Invocations", "Duration", "ConcurrentExecutions"}},
}


@dataclass(frozen=True)
class WatchedMetric:
    """One metric an alarm or a widget reads. `dimensions` maps a dimension name to its value as the template names
    it: ("Ref", logical id), ("GetAtt", logical id, attribute), or ("Literal", text)."""
    where: str
    namespace: str
    name: str
    dimensions: dict


def cfn_value(value) -> tuple:
    """A dimension value written with an intrinsic function, normalised."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return ("Ref", value["Ref"])
    if isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:
        target = value["Fn::GetAtt"]
        logical, attribute = target.split(".", 1) if isinstance(target, str) else target
        return ("GetAtt", logical, attribute)
    if isinstance(value, str):
        return ("Literal", value)
    return ("Unknown", repr(value))


def sub_value(text: str) -> tuple:
    """A dimension value inside a Fn::Sub string: ${Logical} or ${Logical.Attribute}."""
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        inner = text[2:-1]
        if "." in inner:
            logical, attribute = inner.split(".", 1)
            return ("GetAtt", logical, attribute)
        return ("Ref", inner)
    return ("Literal", text)


def problems(metric: WatchedMetric, catalog: MetricCatalog, resources: dict) -> list[str]:
    if metric.namespace == catalog.namespace:
        declared = catalog.metrics.get(metric.name)
        if declared is None:
            return [f"{metric.where}: {metric.name} is not declared in metrics.json"]
        if not catalog.declares(metric.name, metric.dimensions):
            return [f"{metric.where}: {metric.name} with dimensions {sorted(metric.dimensions)} is none of its "
                    f"declared dimension sets {[sorted(s) for s in declared.dimension_sets]}"]
        if not declared.in_vendor_account:
            return [f"{metric.where}: {metric.name} is emitted by {declared.emitted_by} in customers' accounts; "
                    "the vendor's CloudWatch never holds it"]
        return []
    spec = AWS_METRICS.get(metric.namespace)
    if spec is None:
        return [f"{metric.where}: namespace {metric.namespace} is neither {catalog.namespace} nor an AWS namespace "
                "of this stack's resources"]
    found = []
    if metric.name not in spec["metrics"]:
        found.append(f"{metric.where}: {metric.namespace} has no metric {metric.name} that CostLink watches")
    if set(metric.dimensions) != {spec["dimension"]}:
        found.append(f"{metric.where}: {metric.namespace} {metric.name} must be watched by {spec['dimension']} alone")
        return found
    value = metric.dimensions[spec["dimension"]]
    kind, attribute = spec["ref"]
    logical = value[1] if len(value) > 1 else None
    if value[0] != kind or (attribute and value[2] != attribute):
        found.append(f"{metric.where}: {spec['dimension']} must name a resource of this stack "
                     f"({kind}{' ' + attribute if attribute else ''})")
    elif resources.get(logical, {}).get("Type") != spec["type"]:
        found.append(f"{metric.where}: {logical} is not a {spec['type']} of this stack")
    return found
