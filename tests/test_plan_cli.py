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
