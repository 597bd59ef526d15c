"""`costlink plan`, the main job until the end-to-end run exists: what the stack creates for a scenario."""
import json
import subprocess

from conftest import ROOT


def plan(*args):
    return subprocess.run([str(ROOT / "costlink"), "plan", *args], capture_output=True, text=True, timeout=120)


def test_plan_lists_the_resources_of_a_scenario():
    result = plan("--scenario", "NewBucketNewExport", "--carbon", "--focus", "--json")
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)["resources"]
    assert created["Cur2Export"] == "AWS::BCMDataExports::Export"
    assert created["CarbonExport"] == "AWS::BCMDataExports::Export"
    assert created["FocusExport"] == "AWS::BCMDataExports::Export"
    assert created["BillingBucket"] == "AWS::S3::Bucket"


def test_plan_for_a_linked_account_with_an_opt_in():
    result = plan("--scenario", "LinkedAccount", "--opt-in", "tag-management")
    assert result.returncode == 0, result.stderr
    assert "TagManagementPolicy" in result.stdout and "BillingBucket" not in result.stdout
    assert "example-external-id" not in result.stdout


def test_plan_shows_what_cloudformation_would_refuse():
    result = plan("--region", "eu-west-1")
    assert result.returncode == 2
    assert "BillingResourcesOnlyInUsEast1" in result.stdout


def test_plan_for_an_organisation_shows_the_stackset_and_what_each_member_gets():
    result = plan("--org-targets", "ou-ab12-cdef3456,r-ab12", "--opt-in", "ec2-start-stop", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["resources"]["MemberRoleStackSet"] == "AWS::CloudFormation::StackSet"
    assert out["member_resources"] == {"VendorRole": "AWS::IAM::Role", "CorePolicy": "AWS::IAM::Policy",
                                       "EC2StartStopPolicy": "AWS::IAM::Policy"}
    assert out["outputs"]["MemberRoleName"] == "CostLink-MemberReadAccess"
    text = plan("--org-targets", "r-ab12", "--delegated-admin").stdout
    assert "CallAs DELEGATED_ADMIN" in text and "role CostLink-MemberReadAccess" in text
    assert "Each target account" in text and "example-external-id" not in text


def test_plan_refuses_organisation_targets_for_a_linked_account():
    result = plan("--scenario", "LinkedAccount", "--org-targets", "r-ab12")
    assert result.returncode == 2
    assert "OrganizationTargetsOnlyFromARootAccount" in result.stdout
