"""The local CloudFormation: deploys template.yaml or vendor.yaml into the local AWS as CloudFormation would.

1. The SAM transform (the translator `sam validate` and `sam deploy` use): AWS::Serverless::Function becomes
   AWS::Lambda::Function plus what its Events, FunctionUrlConfig and EventInvokeConfig declare.
2. Parameters (defaults and overrides, constraints including Number MinValue/MaxValue), then Rules: a failing Rule
   refuses the deployment with the template's own AssertDescription, before anything exists
   (the project's template model, cfn_model.py, evaluates them).
3. Conditions decide which resources exist; references (Ref, Fn::GetAtt, Fn::Sub, DependsOn, anywhere in a
   resource) order them; each is created through the emulators' own APIs (resources.py) with its properties
   resolved from the template and the resources created before it.
4. A failure rolls back: what was created is deleted in reverse order (retained resources stay), and a custom
   resource that failed receives its Delete.
Delete goes in reverse dependency order; DeletionPolicy Retain keeps a resource (the billing bucket and its data).
"""
from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..cfn_model import ROOT, Stack, TemplateError
from .aws import REGION
from .resources import CustomResourceFailed, DeployError, handler_for, random_suffix

BUILD_DIRS = {"vendor.yaml": ROOT / ".aws-sam" / "vendor"}
DEFAULT_BUILD_DIR = ROOT / ".aws-sam" / "build"


def sam_transform(text: str) -> dict:
    """The template after the AWS::Serverless-2016-10-31 transform, as policy/sam_transform.py prints it."""
    import logging

    from samcli.lib.translate.sam_template_validator import SamTemplateValidator
    from samcli.yamlhelper import yaml_parse

    logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)  # its telemetry, never sent here

    class NoManagedPolicies:
        def load(self):
            return {}

    template = yaml_parse(text)
    if "Transform" not in template:
        return template
    return yaml_parse(SamTemplateValidator(template, NoManagedPolicies(), region=REGION)
                      .get_translated_template_if_valid())


@dataclass
class DeployedStack(Stack):
    """The template model with real values: a Ref or Fn::GetAtt of a resource is what the emulator gave it."""

    stack_name: str = "stack"
    stack_id: str = ""
    created: dict = field(default_factory=dict, repr=False)

    def pseudo(self, name: str) -> Any:
        if name == "AWS::StackName":
            return self.stack_name
        if name == "AWS::StackId":
            return self.stack_id
        if name == "AWS::NotificationARNs":
            return []
        return super().pseudo(name)

    def _ref(self, name: str) -> Any:
        if name.startswith("AWS::") or name in self.resolved_parameters():
            return super()._ref(name)
        return self._resource(name).physical_id

    def _sub_ref(self, name: str) -> str:
        if "." in name:
            logical, attribute = name.split(".", 1)
            return str(self.attribute(logical, attribute))
        return str(self._ref(name))

    def _resource(self, logical_id: str):
        if logical_id not in self.created:
            if logical_id in self.resources():
                raise DeployError(f"reference to {logical_id} before it was created")
            raise TemplateError(f"reference to {logical_id}, which this stack does not create")
        return self.created[logical_id]

    def attribute(self, logical_id: str, attribute: str) -> Any:
        res = self._resource(logical_id)
        if attribute not in res.attributes:
            raise DeployError(f"{logical_id} has no attribute {attribute} (Fn::GetAtt)")
        return res.attributes[attribute]

    def value(self, expr: Any) -> Any:
        if isinstance(expr, dict) and len(expr) == 1:
            (fn, arg), = expr.items()
            if fn == "Fn::GetAtt":
                target = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.attribute(self.value(target[0]), self.value(target[1]))
        return super().value(expr)

    def number_errors(self) -> list[str]:
        """Number parameters: a number, within MinValue and MaxValue (cfn_model checks String constraints)."""
        errors = []
        for name, value in self.resolved_parameters().items():
            spec = self.template["Parameters"][name]
            if spec.get("Type") != "Number":
                continue
            try:
                number = float(value)
            except ValueError:
                errors.append(f"Parameter '{name}' must be a number")
                continue
            if "MinValue" in spec and number < float(spec["MinValue"]):
                errors.append(f"Parameter '{name}' must be a number not less than {spec['MinValue']}")
            if "MaxValue" in spec and number > float(spec["MaxValue"]):
                errors.append(f"Parameter '{name}' must be a number not greater than {spec['MaxValue']}")
        return errors


@dataclass
class Resource:
    logical_id: str
    type: str
    physical_id: str
    attributes: dict
    properties: dict
    retain: bool
    deleted: bool = False


@dataclass
class StackRecord:
    name: str
    account: str
    stack_id: str
    template_path: Path
    parameters: dict
    model: DeployedStack
    status: str = "CREATE_IN_PROGRESS"
    resources: dict[str, Resource] = field(default_factory=dict)  # in creation order
    outputs: dict = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    retained: list[str] = field(default_factory=list)
    custom_answers: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def references(node: Any, out: set[str]) -> set[str]:
    """Every logical id a resource refers to (Ref, Fn::GetAtt, Fn::Sub, DependsOn), anywhere in it."""
    if isinstance(node, list):
        for item in node:
            references(item, out)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                out.add(value)
            elif key == "Fn::GetAtt":
                out.add(value[0] if isinstance(value, list) else value.split(".", 1)[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                out.update(m.split(".", 1)[0] for m in re.findall(r"\$\{([^}!]+)\}", text))
                if not isinstance(value, str):
                    references(value[1], out)
            elif key == "DependsOn":
                out.update([value] if isinstance(value, str) else value)
            else:
                references(value, out)
    return out


def creation_order(model: Stack) -> list[str]:
    resources = model.resources()
    deps = {name: references({k: v for k, v in res.items() if k != "Condition"}, set()) & set(resources) - {name}
            for name, res in resources.items()}
    order, done = [], set()
    pending = list(resources)  # template order breaks ties, as CloudFormation's creation stays readable
    while pending:
        ready = [n for n in pending if deps[n] <= done]
        if not ready:
            raise DeployError(f"Circular dependency between resources: {sorted(pending)}")
        for n in ready:
            order.append(n)
            done.add(n)
            pending.remove(n)
    return order


class Context:
    """What a resource handler sees: the stack, the account, the clients, CloudFormation's naming."""

    def __init__(self, cloud, record: StackRecord, build_dir: Path, progress: Callable):
        self.cloud = cloud
        self.record = record
        self.account = record.account
        self.stack_name = record.name
        self.stack_id = record.stack_id
        self.build_dir = build_dir
        self.lambdas = cloud.lambdas
        self._progress = progress
        self.custom_answers = record.custom_answers

    def client(self, service: str):
        return self.cloud.aws.client(service, self.account)

    def generated_name(self, logical_id: str, max_len: int) -> str:
        suffix = random_suffix()
        head = f"{self.stack_name}-{logical_id}"[: max_len - len(suffix) - 1]
        return f"{head}-{suffix}"

    def resource_type(self, logical_id: str) -> str:
        return self.record.model.template["Resources"][logical_id]["Type"]

    def progress(self, message: str, waiting: bool = False):
        self._progress(message, waiting)


class LocalCloudFormation:
    def __init__(self, cloud):
        self.cloud = cloud
        self.stacks: dict[tuple[str, str], StackRecord] = {}
        self._lock = threading.Lock()

    def deploy(self, template_path: Path, stack_name: str, parameters: dict, account: str,
               build_dir: Path | None = None, progress: Callable | None = None) -> StackRecord:
        progress = progress or (lambda message, waiting=False: None)
        template_path = Path(template_path)
        build_dir = build_dir or BUILD_DIRS.get(template_path.name, DEFAULT_BUILD_DIR)
        started = time.monotonic()
        with self._lock:
            if (account, stack_name) in self.stacks:
                raise DeployError(f"Stack [{stack_name}] already exists")
        template = sam_transform(template_path.read_text())
        stack_id = f"arn:aws:cloudformation:{REGION}:{account}:stack/{stack_name}/{uuid.uuid4()}"
        model = DeployedStack(template, {k: str(v) for k, v in parameters.items()}, region=REGION,
                              account_id=account, stack_name=stack_name, stack_id=stack_id)
        errors = model.number_errors() or model.validation_errors()
        if errors:
            raise DeployError("; ".join(errors))
        record = StackRecord(stack_name, account, stack_id, template_path, dict(parameters), model)
        with self._lock:
            self.stacks[(account, stack_name)] = record
        ctx = Context(self.cloud, record, build_dir, progress)
        try:
            for logical_id in creation_order(model):
                self._create(ctx, record, logical_id)
            record.outputs = model.outputs()
        except Exception as e:
            record.status = "ROLLBACK_IN_PROGRESS"
            progress(f"CREATE_FAILED {e}")
            self._remove(ctx, record, failed=e)
            record.status = "ROLLBACK_COMPLETE"
            with self._lock:
                self.stacks.pop((account, stack_name), None)
            raise DeployError(str(e)) from e
        record.status = "CREATE_COMPLETE"
        record.seconds = time.monotonic() - started
        return record

    def _create(self, ctx: Context, record: StackRecord, logical_id: str):
        res = record.model.template["Resources"][logical_id]
        handler = handler_for(res["Type"])
        props = record.model.value(res.get("Properties", {}))
        handler.check(logical_id, props)
        try:
            created = handler.create(ctx, logical_id, props)
        except CustomResourceFailed as e:
            record.resources[logical_id] = Resource(logical_id, res["Type"], e.physical_id, {}, props, False)
            raise
        record.resources[logical_id] = Resource(logical_id, res["Type"], created.physical_id, created.attributes,
                                                props, res.get("DeletionPolicy") == "Retain")
        record.model.created[logical_id] = record.resources[logical_id]
        record.events.append(f"CREATE_COMPLETE {res['Type']} {logical_id}")
        ctx.progress(f"CREATE_COMPLETE {res['Type']:<40} {logical_id}")

    def delete(self, stack_name: str, account: str, progress: Callable | None = None) -> StackRecord:
        progress = progress or (lambda message, waiting=False: None)
        with self._lock:
            record = self.stacks.get((account, stack_name))
        if record is None:
            raise DeployError(f"Stack with id {stack_name} does not exist")
        started = time.monotonic()
        record.status = "DELETE_IN_PROGRESS"
        ctx = Context(self.cloud, record, BUILD_DIRS.get(record.template_path.name, DEFAULT_BUILD_DIR), progress)
        self._remove(ctx, record)
        record.status = "DELETE_COMPLETE"
        record.seconds = time.monotonic() - started
        with self._lock:
            self.stacks.pop((account, stack_name), None)
        return record

    def _remove(self, ctx: Context, record: StackRecord, failed=None):
        """Deletes what the stack created, newest first; a rollback (`failed`) goes on past errors and reports the
        first failure, a Delete fails with what could not be deleted. A custom resource that answered FAILED is in
        `resources` too, so it receives its Delete, as CloudFormation sends one during the rollback."""
        errors = []
        for res in reversed(list(record.resources.values())):
            if res.deleted:
                continue
            if res.retain:
                record.retained.append(res.logical_id)
                ctx.progress(f"DELETE_SKIPPED  {res.type:<40} {res.logical_id} (DeletionPolicy Retain)")
                continue
            try:
                handler_for(res.type).delete(ctx, res)
                res.deleted = True
                ctx.progress(f"DELETE_COMPLETE {res.type:<40} {res.logical_id}")
            except Exception as e:  # noqa: BLE001 - the stack records the failure and goes on, as CloudFormation
                errors.append(f"{res.logical_id}: {e}")
                ctx.progress(f"DELETE_FAILED   {res.type:<40} {res.logical_id}: {e}")
        if errors and failed is None:
            record.status = "DELETE_FAILED"
            raise DeployError("; ".join(errors))

    def exists(self, record: StackRecord, res: Resource) -> bool:
        ctx = Context(self.cloud, record, DEFAULT_BUILD_DIR, lambda *a, **k: None)
        return handler_for(res.type).exists(ctx, res)
