"""`costlink member-template`: writes member-role.yaml from template.yaml and embeds it in the payer's StackSet.

The member role is the linked-account role of template.yaml, nothing else: the role resource (same trust, name rule,
session limit, tags) and every inline policy a LinkedAccount stack can attach to it, each under the same condition and
logical id. The policies become AWS::IAM::Policy resources (the inline policy of the roles they list) instead of
AWS::IAM::RolePolicy: same IAM result, and moto's CloudFormation can create them, so a test deploys this very file.
Parameters and conditions are copied with their constraints: a member account accepts exactly what a Linked stack does. `--check` exits 1
when member-role.yaml or the StackSet's TemplateBody in template.yaml is not what this command would write.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from .cfn_model import ROOT, Stack, load_template

TEMPLATE = ROOT / "template.yaml"
MEMBER = ROOT / "member-role.yaml"
ROLE = "VendorRole"
HEADER = ("# GENERATED from template.yaml by `./costlink member-template`: do not edit. Change the role and its policies in\n"
          "# template.yaml and run the command again; tests/test_template_member.py fails while this file is stale.\n"
          "# cfn-lint's W3037 (unknown IAM action) is ignored: the vendor's published permission sets name a few\n"
          "# actions IAM does not know (docdb:*, neptune:*, resourcegroups:*, ...: tests/test_template_permissions.py);\n"
          "# tests/test_template_member.py proves the ignore hides nothing else.\n")
# cfn-lint checks the actions of AWS::IAM::Policy documents (not those of template.yaml's RolePolicy resources).
LINT_IGNORES = {"cfn-lint": {"config": {"ignore_checks": ["W3037"]}}}
TEMPLATE_BODY = re.compile(r"^(?P<indent> *)TemplateBody: \|\n", re.MULTILINE)


class GeneratorError(Exception):
    """template.yaml has a shape the member role cannot be derived from (say, a policy that needs AccountType)."""


def _plain(node: Any) -> Any:
    return json.loads(json.dumps(node))


def _linked_policies(template: dict) -> list[str]:
    """The role's policies a Linked stack can have: those it creates with every true/false option turned on."""
    params = {n: "placeholder" for n, spec in template["Parameters"].items() if "Default" not in spec}
    params.update({n: "true" for n, spec in template["Parameters"].items()
                   if sorted(map(str, spec.get("AllowedValues", []))) == ["false", "true"]})
    params.update(AccountType="Linked", DeploymentScenario="LinkedAccount", BucketName="")
    present = Stack(template, params).resources()
    return [name for name, res in present.items()
            if res["Type"] == "AWS::IAM::RolePolicy" and res["Properties"].get("RoleName") == {"Ref": ROLE}]


def _references(node: Any, refs: set[str], conditions: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _references(item, refs, conditions)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref":
                refs.add(value)
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                local = set() if isinstance(value, str) else set(value[1])
                refs.update(n for n in re.findall(r"\$\{([^}!.]+)\}", text) if n not in local)
                if not isinstance(value, str):
                    _references(value[1], refs, conditions)
            elif key == "Fn::GetAtt":
                refs.add(value[0] if isinstance(value, list) else value.split(".", 1)[0])
            elif key in ("Fn::If", "Condition") and isinstance(value, (list, str)):
                conditions.add(value[0] if key == "Fn::If" else value)
                _references(value[1:] if key == "Fn::If" else [], refs, conditions)
            else:
                _references(value, refs, conditions)


def member_template(template: dict) -> dict:
    resources = template["Resources"]
    role = _plain(resources[ROLE])
    if set(role) - {"Type", "Properties"}:
        raise GeneratorError(f"{ROLE} carries {sorted(set(role) - {'Type', 'Properties'})}; teach the generator")
    members = {ROLE: role}
    for name in _linked_policies(template):
        res = _plain(resources[name])
        props = {k: v for k, v in res["Properties"].items() if k != "RoleName"}
        if set(res) - {"Type", "Condition", "Metadata", "Properties"}:
            raise GeneratorError(f"{name} carries {sorted(set(res))}; teach the generator")
        members[name] = {**({"Condition": res["Condition"]} if "Condition" in res else {}), "Type": "AWS::IAM::Policy",
                         **({"Metadata": res["Metadata"]} if "Metadata" in res else {}),
                         "Properties": {**props, "Roles": [{"Ref": ROLE}]}}
    outputs = {
        "RoleArn": {"Description": "ARN of this account's member role.", "Value": {"Fn::GetAtt": [ROLE, "Arn"]}},
        "RoleName": {"Description": "Name of this account's member role.", "Value": {"Ref": ROLE}},
    }

    refs, conditions = set(), set()
    _references([members, outputs], refs, conditions)
    pending = list(conditions)
    while pending:
        name = pending.pop()
        found = set()
        _references(template["Conditions"][name], refs, found)
        pending += sorted(found - conditions)
        conditions |= found
    refs = {r for r in refs if not r.startswith("AWS::")}
    unknown = refs - set(template["Parameters"]) - set(members)
    if unknown:
        raise GeneratorError(f"the member role refers to {sorted(unknown)}, which only the payer stack has")
    return _plain({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            "CostLink member role: the read-only cross-account role of a linked account, which the payer stack's "
            "StackSet deploys to every account of the chosen organisational units. Assumable only by the vendor's "
            "account with the ExternalId; optional write permissions only when the payer stack turns them on."),
        "Metadata": LINT_IGNORES,
        "Parameters": {n: _plain(spec) for n, spec in template["Parameters"].items() if n in refs},
        "Conditions": {n: _plain(c) for n, c in template["Conditions"].items() if n in conditions},
        "Resources": members,
        "Outputs": outputs,
    })


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):  # lists indented under their key, as template.yaml
        return super().increase_indent(flow, False)


def render_member(template: dict) -> str:
    return HEADER + yaml.dump(member_template(template), Dumper=_Dumper, sort_keys=False, width=120,
                              default_flow_style=False, allow_unicode=False)


def embed(template_text: str, member_text: str) -> str:
    """template.yaml's text with the StackSet's `TemplateBody: |` block replaced by member_text."""
    matches = list(TEMPLATE_BODY.finditer(template_text))
    if len(matches) != 1:
        raise GeneratorError(f"template.yaml must have exactly one 'TemplateBody: |' block, found {len(matches)}")
    match = matches[0]
    indent = " " * (len(match.group("indent")) + 2)
    lines = template_text[match.end():].split("\n")
    taken = 0
    while taken < len(lines) and (lines[taken] == "" or lines[taken].startswith(indent)):
        taken += 1
    while taken > 0 and lines[taken - 1] == "":
        taken -= 1
    block = "\n".join(indent + line if line else "" for line in member_text.rstrip("\n").split("\n"))
    return template_text[:match.end()] + block + "\n" + "\n".join(lines[taken:])


def generate(template_path: Path = TEMPLATE) -> tuple[str, str]:
    """(member-role.yaml text, template.yaml text with it embedded)."""
    member_text = render_member(load_template(template_path))
    return member_text, embed(template_path.read_text(), member_text)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="costlink member-template", description=__doc__.strip().splitlines()[0])
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a committed copy is stale")
    args = p.parse_args(argv)
    member_text, template_text = generate(TEMPLATE)
    stale = [path.name for path, text in ((MEMBER, member_text), (TEMPLATE, template_text))
             if not path.exists() or path.read_text() != text]
    if args.check:
        if stale:
            print(f"stale: {', '.join(stale)}; run ./costlink member-template", file=sys.stderr)
            return 1
        return 0
    MEMBER.write_text(member_text)
    TEMPLATE.write_text(template_text)
    print(f"wrote {MEMBER.name} and its copy in {TEMPLATE.name}" if stale else "up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
