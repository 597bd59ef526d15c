"""The role's policies are exactly the permission sets of shared/reference/permission-sets.json, and `core` is read-only
by an independent IAM action database (policy_sentry)."""
import json

import pytest
from policy_sentry.analysis.expand import expand
from policy_sentry.querying.actions import get_privilege_info

from conftest import SHARED

SETS = json.loads((SHARED / "reference" / "permission-sets.json").read_text())["sets"]
# Read-only additions to `core` that the scheduled verifier needs (see the foundation issue).
CORE_ADDITIONS = {"bcm-data-exports:ListExecutions", "bcm-data-exports:GetExecution"}
POLICY_OF_SET = {
    "core": "CorePolicy",
    "cur-bucket-read": "CurBucketReadPolicy",
    "ec2-start-stop": "EC2StartStopPolicy",
    "commitment-purchase": "CommitmentPurchasePolicy",
    "tag-management": "TagManagementPolicy",
    "automation": "AutomationPolicy",
}
ALL_ON = {"EnableEC2StartStop": "true", "EnableCommitmentPurchase": "true", "EnableTagManagement": "true",
          "EnableAutomation": "true", "EnableCarbonFootprint": "true", "EnableFocusExport": "true"}

# Actions of `core` that the database does not classify as List or Read, each with the reason it stays.
WRITE_LEVEL_EXCEPTIONS = {
    "compute-optimizer:UpdateEnrollmentStatus":
        "documented by the onboarding guide: a one-time, non-destructive opt-in to Compute Optimizer recommendations",
    "backup:ListIndexedRecoveryPointsForSearch":
        "reached through backup:List*; policy_sentry files it under 'Permissions management', but the API only lists "
        "recovery points indexed for search and changes nothing",
}
# Actions of `core` that the database does not know at all. They are kept because the permission set is the
# vendor's published contract; IAM accepts them and they grant nothing.
UNKNOWN_TO_DATABASE = {
    "invoicing:GetInvoiceSummary": "not in the database's invoicing service (ListInvoiceSummaries is)",
    "docdb:Describe*": "DocumentDB's control plane uses the rds: prefix; docdb: matches no IAM action",
    "docdb:List*": "as docdb:Describe*",
    "neptune:Describe*": "Neptune's control plane uses the rds: prefix; neptune: matches no IAM action",
    "neptune:List*": "as neptune:Describe*",
    "elasticmapreduce:DescribeInstanceGroups": "EMR has ListInstanceGroups; DescribeInstanceGroups is not an action",
    "resourcegroups:GetGroup": "the Resource Groups prefix is resource-groups:",
    "resourcegroups:ListGroups": "the Resource Groups prefix is resource-groups:",
}


def set_actions(name):
    return {a for s in SETS[name]["statements"] for a in s["actions"]}


def policy_statements(stack, policy):
    return stack.rendered_resources()[policy]["Properties"]["PolicyDocument"]["Statement"]


def actions_of(statements):
    out = set()
    for st in statements:
        out |= {st["Action"]} if isinstance(st["Action"], str) else set(st["Action"])
    return out


@pytest.mark.parametrize("set_name", sorted(POLICY_OF_SET))
def test_policy_equals_permission_set(stack, set_name):
    s = stack(**ALL_ON)
    want = set_actions(set_name) | (CORE_ADDITIONS if set_name == "core" else set())
    assert actions_of(policy_statements(s, POLICY_OF_SET[set_name])) == want


def test_no_action_is_granted_twice(stack):
    s = stack(**ALL_ON)
    for policy in POLICY_OF_SET.values():
        listed = [a for st in policy_statements(s, policy)
                  for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])]
        assert len(listed) == len(set(listed)), policy


def test_every_statement_allows_and_is_scoped_like_the_reference(stack):
    s = stack(**ALL_ON)
    for set_name, policy in POLICY_OF_SET.items():
        for st in policy_statements(s, policy):
            assert st["Effect"] == "Allow" and "Sid" in st
    automation = {st["Sid"]: st["Resource"] for st in policy_statements(s, "AutomationPolicy")}
    assert automation["RunbookManagement"] == "arn:aws:ssm:*:111122223333:document/CostLink-*"
    assert automation["RunbookStart"] == "arn:aws:ssm:*:111122223333:automation-definition/CostLink-*:*"


def test_bucket_read_is_limited_to_the_bucket_and_its_report_prefixes(stack):
    s = stack(**ALL_ON)
    statements = {st["Sid"]: st for st in policy_statements(s, "CurBucketReadPolicy")}
    assert statements["CURListBucket"]["Resource"] == "arn:aws:s3:::acme-costlink-cur"
    assert statements["CURReadReports"]["Resource"] == [
        "arn:aws:s3:::acme-costlink-cur/reports/cur2/*", "arn:aws:s3:::acme-costlink-cur/reports/carbon-footprint/*",
        "arn:aws:s3:::acme-costlink-cur/reports/focus/*"]
    s = stack(CURVersion="CUR1")
    assert {st["Sid"]: st for st in policy_statements(s, "CurBucketReadPolicy")}["CURReadReports"]["Resource"] == [
        "arn:aws:s3:::acme-costlink-cur/reports/cur1/*"]
    s = stack(DeploymentScenario="ExistingBucketExistingExport", DataExportName="X", ExistingExportPrefix="billing/cur")
    assert {st["Sid"]: st for st in policy_statements(s, "CurBucketReadPolicy")}["CURReadReports"]["Resource"] == [
        "arn:aws:s3:::acme-costlink-cur/billing/cur/*"]


def test_inline_policies_fit_the_role_quota(stack):
    # IAM's quota: the inline policies of one role add up to at most 10,240 characters, whitespace not counted.
    s = stack(**ALL_ON)
    total = sum(len("".join(json.dumps(r["Properties"]["PolicyDocument"]).split()))
                for r in s.rendered_resources().values() if r["Type"] == "AWS::IAM::RolePolicy")
    assert total < 10240, total


def classify(action):
    concrete = expand(action) if "*" in action else [action]
    levels = {}
    for a in concrete:
        service, name = a.split(":")
        try:
            levels[a] = get_privilege_info(service, name)["access_level"]
        except Exception:  # policy_sentry raises on an action it does not know
            levels[a] = None
    return levels


def test_core_is_read_only_by_an_independent_database():
    write_level, unknown = {}, set()
    for action in sorted(set_actions("core") | CORE_ADDITIONS):
        levels = classify(action)
        if not levels or all(v is None for v in levels.values()):
            unknown.add(action)
            continue
        for concrete, level in levels.items():
            if level is None:
                unknown.add(concrete)
            elif level not in ("List", "Read"):
                write_level[concrete] = level
    assert set(write_level) == set(WRITE_LEVEL_EXCEPTIONS), write_level
    assert unknown == set(UNKNOWN_TO_DATABASE), unknown


def test_the_verifier_additions_are_read_level():
    for action in CORE_ADDITIONS:
        assert set(classify(action).values()) <= {"List", "Read"}
