"""The member role every account of an organisation gets (member-role.yaml) and the StackSet that deploys it.

One source of truth: member-role.yaml is generated from template.yaml's linked-account role and policies and embedded
in the StackSet's TemplateBody; these tests fail on any drift between the three, and prove the member role's
policies equal the linked-account scenario's for every combination of options.
"""
import itertools
import json
import os
import random
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
from cfnlint.decode import decode_str

from conftest import ROOT, VALID
from costlink_tools import member_template
from costlink_tools.cfn_model import Stack

MEMBER = ROOT / "member-role.yaml"
OPT_INS = ["EnableEC2StartStop", "EnableCommitmentPurchase", "EnableTagManagement", "EnableAutomation"]
PAYER_VALUES = {k: VALID[k] for k in ("VendorAccountId", "ExternalId")}
# The IAM actions of the vendor's published sets that cfn-lint's W3037 does not know (see
# tests/test_template_permissions.py for what each is): the only findings the member template's ignore may hide.
UNKNOWN_ACTIONS = {"getinvoicesummary", "docdb", "neptune", "describeinstancegroups", "resourcegroups",
                   "deletebuckettagging"}


@pytest.fixture(scope="module")
def member():
    template, matches = decode_str(MEMBER.read_text())
    assert not matches, matches
    return template


def member_stack(member, region="us-east-1", partition="aws", **params):
    return Stack(member, {**PAYER_VALUES, **params}, region=region, partition=partition,
                 account_id="444455556666")


def linked_stack(template, region="us-east-1", partition="aws", **params):
    return Stack(template, {**VALID, "AccountType": "Linked", "DeploymentScenario": "LinkedAccount", "BucketName": "",
                            **params}, region=region, partition=partition, account_id="444455556666")


def role_and_policies(stack):
    """What IAM ends up with: the role, and its inline policies by name (from RolePolicy or Policy resources)."""
    rendered = stack.rendered_resources()
    role = rendered["VendorRole"]["Properties"]
    policies = {}
    for res in rendered.values():
        props = res["Properties"]
        if res["Type"] == "AWS::IAM::RolePolicy":
            assert props["RoleName"] == "<VendorRole>"
        elif res["Type"] == "AWS::IAM::Policy":
            assert props["Roles"] == ["<VendorRole>"]
        else:
            continue
        policies[props["PolicyName"]] = props["PolicyDocument"]
    return role, policies


# ---------------------------------------------------------------------------------------------- one source of truth
def test_committed_member_template_and_its_embedded_copy_are_up_to_date():
    member_text, template_text = member_template.generate()
    assert MEMBER.read_text() == member_text, "member-role.yaml is stale: run ./costlink member-template"
    assert (ROOT / "template.yaml").read_text() == template_text, (
        "template.yaml's TemplateBody is stale: run ./costlink member-template")


def test_the_check_command_fails_on_a_stale_copy(tmp_path, monkeypatch):
    text = (ROOT / "template.yaml").read_text()
    drifted = tmp_path / "template.yaml"
    # A read-only action added to the core set in template.yaml only.
    drifted.write_text(text.replace("              - pricing:GetProducts\n",
                                    "              - pricing:GetProducts\n              - pricing:DescribeServices\n", 1))
    member_text, template_text = member_template.generate(drifted)
    assert "pricing:DescribeServices" in member_text and member_text != MEMBER.read_text()
    monkeypatch.setattr(member_template, "TEMPLATE", drifted)
    monkeypatch.setattr(member_template, "MEMBER", MEMBER)
    assert member_template.main(["--check"]) == 1
    assert (ROOT / "template.yaml").read_text() == text  # --check writes nothing


def test_the_check_command_passes_on_the_committed_files():
    result = subprocess.run([str(ROOT / "costlink"), "member-template", "--check"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def test_template_body_is_the_member_template(stack):
    body = stack(OrganizationTargets="r-ab12").rendered_resources()["MemberRoleStackSet"]["Properties"]["TemplateBody"]
    assert body == MEMBER.read_text()
    # The limit of the StackSet resource schema (and of CreateStackSet's TemplateBody).
    assert len(body.encode()) <= 51200, len(body.encode())


@pytest.mark.parametrize("prefix,opt_ins", list(itertools.product(
    ["CostLink", "Acme-Fin"], itertools.product(["true", "false"], repeat=len(OPT_INS)))))
def test_member_role_equals_the_linked_account_role(template, member, prefix, opt_ins):
    options = {"ResourcePrefix": prefix, **dict(zip(OPT_INS, opt_ins))}
    linked = linked_stack(template, RoleName=f"{prefix}-MemberReadAccess", **options)
    assert linked.validation_errors() == []
    m = member_stack(member, RoleName=f"{prefix}-MemberReadAccess", **options)
    assert m.validation_errors() == []
    assert role_and_policies(m) == role_and_policies(linked)


def test_member_role_name_defaults_like_a_linked_stacks(template, member):
    assert role_and_policies(member_stack(member)) == role_and_policies(linked_stack(template))
    assert member_stack(member).rendered_resources()["VendorRole"]["Properties"]["RoleName"] == "CostLink-ReadAccess"


def test_member_parameters_have_the_payers_constraints(template, member):
    for name, spec in member["Parameters"].items():
        assert spec == template["Parameters"][name], name
    for name, condition in member["Conditions"].items():
        assert condition == template["Conditions"][name], name


def test_stackset_passes_every_member_parameter_from_the_payers_own(stack, member):
    s = stack(OrganizationTargets="r-ab12", ResourcePrefix="Acme", EnableCommitmentPurchase="true")
    passed = {p["ParameterKey"]: p["ParameterValue"]
              for p in s.rendered_resources()["MemberRoleStackSet"]["Properties"]["Parameters"]}
    assert set(passed) == set(member["Parameters"])
    payer = s.resolved_parameters()
    assert {k: v for k, v in passed.items() if k != "RoleName"} == {k: payer[k] for k in passed if k != "RoleName"}
    # Not the payer's role name: a member role never collides with the payer's role or a Linked stack's in the same
    # account (a delegated administrator's, or an account onboarded on its own before).
    assert passed["RoleName"] == "Acme-MemberReadAccess" != s.rendered_resources()["VendorRole"]["Properties"]["RoleName"]
    assert member_stack(member, **passed).validation_errors() == []


def test_member_template_is_plain_cloudformation(member):
    assert "Transform" not in member
    assert {r["Type"] for r in member["Resources"].values()} == {"AWS::IAM::Role", "AWS::IAM::Policy"}
    actions = {a for r in member_stack(member, **{k: "true" for k in OPT_INS}).rendered_resources().values()
               if r["Type"] == "AWS::IAM::Policy" for st in r["Properties"]["PolicyDocument"]["Statement"]
               for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])}
    assert not actions & {"s3:GetObject", "s3:ListBucket"}  # the billing bucket is the payer's alone
    assert set(member["Outputs"]) == {"RoleArn", "RoleName"}


def test_member_role_trusts_only_the_vendor_with_the_external_id(member):
    trust = member_stack(member).rendered_resources()["VendorRole"]["Properties"]["AssumeRolePolicyDocument"]
    assert trust["Statement"] == [{
        "Sid": "TrustVendorAccountWithExternalId", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "ext-Secret_9f8e7d6c5b4a"}}}]
    assert member["Parameters"]["ExternalId"]["NoEcho"] is True


def test_member_template_is_partition_aware(member):
    assert re.findall(r"arn:aws[a-z-]*:", MEMBER.read_text()) == []
    rendered = member_stack(member, region="cn-north-1", partition="aws-cn", EnableAutomation="true").rendered_resources()
    assert rendered["VendorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "AWS": "arn:aws-cn:iam::999988887777:root"}
    runbooks = {st["Sid"]: st["Resource"] for st in rendered["AutomationPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    assert runbooks["RunbookManagement"] == "arn:aws-cn:ssm:*:444455556666:document/CostLink-*"


def test_member_policies_fit_the_role_quota(member):
    s = member_stack(member, **{k: "true" for k in OPT_INS})
    total = sum(len("".join(json.dumps(r["Properties"]["PolicyDocument"]).split()))
                for r in s.rendered_resources().values() if r["Type"] == "AWS::IAM::Policy")
    assert total < 10240, total


def test_the_lint_ignore_hides_only_the_published_sets_unknown_actions(tmp_path):
    text = MEMBER.read_text()
    assert text.count("ignore_checks:") == 1
    stripped = tmp_path / "member-noignore.yaml"
    stripped.write_text(text.replace("      - W3037\n", "      - W1030\n", 1))
    result = subprocess.run(["cfn-lint", "--format", "json", str(stripped)], capture_output=True, text=True,
                            timeout=300)
    findings = json.loads(result.stdout or "[]")
    assert findings, "the ignore is no longer needed: remove it"
    assert {f["Rule"]["Id"] for f in findings} == {"W3037"}
    assert {re.match(r"'([^']+)'", f["Message"]).group(1) for f in findings} == UNKNOWN_ACTIONS


def test_checkov_passes_the_member_template_with_every_opt_in_on(tmp_path):
    # checkov leaves out resources whose condition is false with the parameters' defaults: turn every set on.
    text = MEMBER.read_text()
    all_on = text.replace("    Default: 'false'\n", "    Default: 'true'\n")
    assert all_on.count("Default: 'true'") == len(OPT_INS)
    variant = tmp_path / "member-all-on.yaml"
    variant.write_text(all_on)
    result = subprocess.run([os.environ.get("CHECKOV", str(ROOT / ".venv/checkov/bin/checkov")), "--compact",
                             "--skip-download", "--framework", "cloudformation", "--output", "json", "-f",
                             str(variant)], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    report = json.loads(result.stdout)
    assert report["summary"]["failed"] == 0, json.dumps(report["results"]["failed_checks"], indent=1)[:4000]
    skipped = {(s["check_id"], s["resource"]) for s in report["results"]["skipped_checks"]}
    assert skipped == {("CKV_AWS_111", f"AWS::IAM::Policy.{p}")
                       for p in ("EC2StartStopPolicy", "CommitmentPurchasePolicy", "AutomationPolicy")}
    for s in report["results"]["skipped_checks"]:
        assert len(s["check_result"]["suppress_comment"]) > 60


# ---------------------------------------------------------------------------------------------- the StackSet
def resource_schema(type_name):
    import cfnlint
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    ref = json.loads((schemas / "providers" / "us-east-1.json").read_text())[type_name]
    return json.loads((schemas / "resources" / f"{ref}.json").read_text())


INTEGER_PREFERENCES = ("FailureTolerancePercentage", "MaxConcurrentPercentage")


@pytest.mark.parametrize("params", [
    {"OrganizationTargets": "r-ab12"},
    {"OrganizationTargets": "r-ab12", "ResourcePrefix": "A" + "b-" * 15 + "c"},  # the longest prefix: 32 characters
    {"OrganizationTargets": "ou-ab12-cdef3456,ou-ab12-99999999", "OrganizationDeploymentAccount": "DelegatedAdministrator",
     "OrganizationFailureTolerancePercentage": "0", "OrganizationMaxConcurrentPercentage": "100"},
])
def test_stackset_properties_follow_the_resource_schema(stack, member, params):
    props = stack(**params).rendered_resources()["MemberRoleStackSet"]["Properties"]
    # The member template accepts what the StackSet passes (the role name within IAM's 64 characters).
    assert member_stack(member, **{p["ParameterKey"]: p["ParameterValue"] for p in props["Parameters"]}
                        ).validation_errors() == []
    # CloudFormation turns the String parameters' digits into the integers the schema asks for.
    props["OperationPreferences"] = {k: int(v) if k in INTEGER_PREFERENCES else v
                                     for k, v in props["OperationPreferences"].items()}
    schema = resource_schema("AWS::CloudFormation::StackSet")
    jsonschema.validate(props, schema)
    assert set(schema["required"]) <= set(props)
    assert set(props) <= set(schema["properties"])


def test_focus_export_properties_follow_the_resource_schema(stack):
    props = stack(EnableFocusExport="true").rendered_resources()["FocusExport"]["Properties"]
    jsonschema.validate(props, resource_schema("AWS::BCMDataExports::Export"))


# ---------------------------------------------------------------------------------------------- deployed on moto
def assume_into(moto, account):
    creds = moto.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                           RoleSessionName="stackset-instance")["Credentials"]
    return dict(key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])


def test_member_template_deploys_into_two_accounts_with_moto_cloudformation(moto, stack):
    """What a StackSet instance does in each target account: CreateStack with the StackSet's template and parameters.
    The accounts are fresh ones (moto makes an account on first use), so no other test's state is touched."""
    props = stack(OrganizationTargets="r-ab12", EnableTagManagement="true").rendered_resources()[
        "MemberRoleStackSet"]["Properties"]
    accounts = [str(n) for n in random.sample(range(10 ** 11, 10 ** 12), 2)]
    for account in accounts:
        creds = assume_into(moto, account)
        assert moto.client("sts", **creds).get_caller_identity()["Account"] == account
        cfn = moto.client("cloudformation", **creds)
        cfn.create_stack(StackName="StackSet-CostLink-MemberRoles-1", TemplateBody=props["TemplateBody"],
                         Parameters=props["Parameters"], Capabilities=props["Capabilities"])
        described = cfn.describe_stacks(StackName="StackSet-CostLink-MemberRoles-1")["Stacks"][0]
        assert described["StackStatus"] == "CREATE_COMPLETE"
        arn = f"arn:aws:iam::{account}:role/CostLink-MemberReadAccess"
        assert {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]} == {
            "RoleArn": arn, "RoleName": "CostLink-MemberReadAccess"}

        iam = moto.client("iam", **creds)
        role = iam.get_role(RoleName="CostLink-MemberReadAccess")["Role"]
        assert role["Arn"] == arn and role["MaxSessionDuration"] == 3600
        assert role["AssumeRolePolicyDocument"]["Statement"] == [{
            "Sid": "TrustVendorAccountWithExternalId", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "ext-Secret_9f8e7d6c5b4a"}}}]
        assert sorted(iam.list_role_policies(RoleName="CostLink-MemberReadAccess")["PolicyNames"]) == [
            "CostLinkCorePermissions", "CostLinkTagManagementPolicy"]
        core = iam.get_role_policy(RoleName="CostLink-MemberReadAccess",
                                   PolicyName="CostLinkCorePermissions")["PolicyDocument"]
        expected = stack().rendered_resources()["CorePolicy"]["Properties"]["PolicyDocument"]
        assert core == expected
    # Nothing landed in the caller's own account.
    assert "CostLink-MemberReadAccess" not in {r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]}
