"""A small, strict model of what CloudFormation does with template.yaml before it creates anything.

It checks parameter values the way CloudFormation does (AllowedValues, AllowedPattern as a whole-value match,
Min/MaxLength, required values), evaluates Rules and Conditions, and tells which resources and outputs a set of
parameters creates, with every Fn::If resolved. Tests and `costlink plan` share it; it is not a deployment engine.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfnlint.decode import decode, decode_str

ROOT = Path(__file__).resolve().parents[2]
# The unique id ending the modelled stack's ARN (AWS::StackId), as CloudFormation gives every stack one.
STACK_UUID = "5d5a5d3c-0000-4000-8000-00000000c057"
NO_VALUE = object()


def load_template(path: Path | str = ROOT / "template.yaml") -> dict:
    template, matches = decode(str(path))
    if matches:
        raise ValueError(f"{path} does not parse: {matches}")
    return template


class TemplateError(Exception):
    """A template construct this model does not understand: the test must be taught, not skipped."""


@dataclass
class Stack:
    """One hypothetical stack: the template with parameter values, in a region and account."""

    template: dict
    parameters: dict[str, str]
    region: str = "us-east-1"
    account_id: str = "111122223333"
    partition: str = "aws"
    _conditions: dict[str, bool] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ parameters and rules
    def resolved_parameters(self) -> dict[str, str]:
        values = {}
        for name, spec in self.template.get("Parameters", {}).items():
            if name in self.parameters:
                values[name] = str(self.parameters[name])
            elif "Default" in spec:
                values[name] = str(spec["Default"])
        return values

    def validation_errors(self) -> list[str]:
        """What CloudFormation would refuse, in its words where it has them, else the template's own messages."""
        errors = []
        declared = self.template.get("Parameters", {})
        unknown = sorted(set(self.parameters) - set(declared))
        if unknown:
            errors.append(f"Parameters: {unknown} do not exist in the template")
        values = self.resolved_parameters()
        missing = sorted(n for n in declared if n not in values)
        if missing:
            errors.append(f"Parameters: {missing} must have values")
        for name, value in values.items():
            spec = declared[name]
            constraint = spec.get("ConstraintDescription")
            if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
                errors.append(f"Parameter '{name}' must be one of AllowedValues")
            if "AllowedPattern" in spec and re.fullmatch(spec["AllowedPattern"], value) is None:
                errors.append(f"Parameter '{name}' failed to satisfy constraint: {constraint or spec['AllowedPattern']}")
            if "MinLength" in spec and len(value) < int(spec["MinLength"]):
                errors.append(f"Parameter '{name}' failed to satisfy constraint: {constraint or 'MinLength'}")
            if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
                errors.append(f"Parameter '{name}' failed to satisfy constraint: {constraint or 'MaxLength'}")
        if errors:
            return errors  # CloudFormation checks parameter constraints before Rules.
        for rule_name, rule in self.template.get("Rules", {}).items():
            if "RuleCondition" in rule and not self._truth(rule["RuleCondition"]):
                continue
            for assertion in rule["Assertions"]:
                if not self._truth(assertion["Assert"]):
                    errors.append(f"{rule_name}: {' '.join(assertion.get('AssertDescription', 'assertion failed').split())}")
        return errors

    # ------------------------------------------------------------------ conditions
    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            definitions = self.template.get("Conditions", {})
            if name not in definitions:
                raise TemplateError(f"unknown condition {name}")
            self._conditions[name] = self._truth(definitions[name])
        return self._conditions[name]

    def _truth(self, expr: Any) -> bool:
        if isinstance(expr, dict) and len(expr) == 1:
            (fn, arg), = expr.items()
            if fn == "Fn::Equals":
                return str(self.value(arg[0])) == str(self.value(arg[1]))
            if fn == "Fn::And":
                return all(self._truth(a) for a in arg)
            if fn == "Fn::Or":
                return any(self._truth(a) for a in arg)
            if fn == "Fn::Not":
                return not self._truth(arg[0])
            if fn == "Condition":
                return self.condition(arg)
        raise TemplateError(f"not a condition expression: {expr!r}")

    # ------------------------------------------------------------------ values
    def pseudo(self, name: str) -> str:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": self.partition,
            "AWS::StackName": "costlink",
            "AWS::StackId": f"arn:{self.partition}:cloudformation:{self.region}:{self.account_id}:stack/costlink/{STACK_UUID}",
            "AWS::URLSuffix": "amazonaws.com",
        }[name]

    def value(self, expr: Any) -> Any:
        """Resolves intrinsic functions; a reference to a resource becomes '<Logical>' or '<Logical.Attr>'."""
        if isinstance(expr, list):
            out = [self.value(e) for e in expr]
            return [v for v in out if v is not NO_VALUE]
        if not isinstance(expr, dict):
            return expr
        if len(expr) != 1:
            out = {k: self.value(v) for k, v in expr.items()}
            return {k: v for k, v in out.items() if v is not NO_VALUE}
        (fn, arg), = expr.items()
        if fn == "Ref":
            return self._ref(arg)
        if fn == "Fn::If":
            return self.value(arg[1] if self.condition(arg[0]) else arg[2])
        if fn == "Fn::Sub":
            text, local = (arg, {}) if isinstance(arg, str) else (arg[0], {k: self.value(v) for k, v in arg[1].items()})
            return re.sub(r"\$\{([^}!]+)\}", lambda m: str(local[m.group(1)] if m.group(1) in local
                                                           else self._sub_ref(m.group(1))), text)
        if fn == "Fn::FindInMap":
            m, k1, k2 = (self.value(a) for a in arg)
            return self.template["Mappings"][m][k1][k2]
        if fn == "Fn::GetAtt":
            target = arg if isinstance(arg, list) else arg.split(".", 1)
            self._require_resource(target[0])
            return f"<{target[0]}.{target[1]}>"
        if fn == "Fn::Join":
            return str(arg[0]).join(str(v) for v in self.value(arg[1]))
        if fn == "Fn::Split":
            source = self.value(arg[1])
            if not isinstance(source, str) or source.startswith("<"):
                raise TemplateError(f"Fn::Split of {source!r} is not modelled")
            return source.split(arg[0])
        if fn == "Fn::Select":
            index, items = int(self.value(arg[0])), self.value(arg[1])
            if not isinstance(items, list) or not 0 <= index < len(items):
                raise TemplateError(f"Fn::Select index {index} of {items!r} is out of range")
            return items[index]
        if fn in ("Fn::Base64", "Fn::GetAZs", "Fn::ImportValue", "Fn::Cidr"):
            raise TemplateError(f"{fn} is not modelled")
        out = {fn: self.value(arg)}
        return {k: v for k, v in out.items() if v is not NO_VALUE}

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name.startswith("AWS::"):
            return self.pseudo(name)
        params = self.resolved_parameters()
        if name in params:
            return params[name]
        self._require_resource(name)
        return f"<{name}>"

    def _sub_ref(self, name: str) -> str:
        if "." in name:
            self._require_resource(name.split(".", 1)[0])
            return f"<{name}>"
        return str(self._ref(name))

    def _require_resource(self, logical_id: str) -> None:
        if logical_id not in self.resources():
            raise TemplateError(f"reference to {logical_id}, which this stack does not create")

    # ------------------------------------------------------------------ what the stack creates
    def resources(self) -> dict[str, dict]:
        return {
            name: res for name, res in self.template["Resources"].items()
            if "Condition" not in res or self.condition(res["Condition"])
        }

    def rendered_resources(self) -> dict[str, dict]:
        """Every created resource with its properties resolved; fails on a reference to a resource not created."""
        out = {}
        for name, res in self.resources().items():
            for dep in ([res["DependsOn"]] if isinstance(res.get("DependsOn"), str) else res.get("DependsOn", [])):
                self._require_resource(dep)
            out[name] = {"Type": res["Type"], "Properties": self.value(res.get("Properties", {})),
                         "Metadata": self.value(res.get("Metadata", {}))}
        return out

    def outputs(self) -> dict[str, Any]:
        return {
            name: self.value(out["Value"]) for name, out in self.template.get("Outputs", {}).items()
            if "Condition" not in out or self.condition(out["Condition"])
        }

    def stack_set_instance(self, logical_id: str, account_id: str, group: int = 0) -> "Stack":
        """The stack a created StackSet makes in one target account: its TemplateBody with its Parameters, in the first
        Region of its instance group."""
        props = self.rendered_resources()[logical_id]["Properties"]
        template, matches = decode_str(str(props["TemplateBody"]))
        if matches:
            raise TemplateError(f"{logical_id}'s TemplateBody does not parse: {matches}")
        params = {p["ParameterKey"]: p["ParameterValue"] for p in props.get("Parameters", [])}
        region = props["StackInstancesGroup"][group]["Regions"][0]
        return Stack(template, params, region=region, account_id=account_id, partition=self.partition)
