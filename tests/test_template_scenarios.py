"""Evaluates the template's Rules and Conditions over the whole scenario matrix and checks what each stack creates."""
import itertools

import pytest

from conftest import VALID
from costlink_tools.cfn_model import Stack

ACCOUNT_TYPES = ["Root", "Linked"]
SCENARIOS = ["NewBucketNewExport", "ExistingBucketNewExport", "ExistingBucketExistingExport", "LinkedAccount"]
OPT_INS = {
    "EnableEC2StartStop": "EC2StartStopPolicy",
    "EnableCommitmentPurchase": "CommitmentPurchasePolicy",
    "EnableTagManagement": "TagManagementPolicy",
    "EnableAutomation": "AutomationPolicy",
}
MATRIX = list(itertools.product(ACCOUNT_TYPES, SCENARIOS, ["CUR2", "CUR1"], ["true", "false"],
                                itertools.product(["true", "false"], repeat=len(OPT_INS))))


def params_of(account, scenario, cur, carbon, opt_ins):
    p = {"AccountType": account, "DeploymentScenario": scenario, "CURVersion": cur, "EnableCarbonFootprint": carbon,
         "DataExportName": "Existing_CUR"}
    p.update(dict(zip(OPT_INS, opt_ins)))
    if account == "Linked":
        p["BucketName"] = ""
    return p


# Every stack reports its connection to the vendor.
CALLBACK = {"ConnectionCallbackLogs", "ConnectionCallbackRole", "ConnectionCallbackFunction", "ConnectionReady",
            "ConnectionCallback"}


def expected_resources(p):
    """The onboarding guide's scenarios, written out independently of the template's conditions."""
    root = p["AccountType"] == "Root"
    scenario = p["DeploymentScenario"]
    expected = {"VendorRole", "CorePolicy"} | CALLBACK
    expected |= {res for param, res in OPT_INS.items() if p[param] == "true"}
    if root:
        expected.add("CurBucketReadPolicy")
    if root and scenario == "NewBucketNewExport":
        expected |= {"BillingBucket", "BillingBucketPolicy"}
    if root and scenario in ("NewBucketNewExport", "ExistingBucketNewExport"):
        expected.add("BillingBucketReady")
        expected.add("Cur2Export" if p["CURVersion"] == "CUR2" else "Cur1Report")
        if p["EnableCarbonFootprint"] == "true":
            expected.add("CarbonExport")
    return expected


def consistent(account, scenario):
    return (account == "Linked") == (scenario == "LinkedAccount")


@pytest.mark.parametrize("account,scenario,cur,carbon,opt_ins", MATRIX)
def test_scenario_matrix(template, account, scenario, cur, carbon, opt_ins):
    stack = Stack(template, {**VALID, **params_of(account, scenario, cur, carbon, opt_ins)})
    errors = stack.validation_errors()
    if not consistent(account, scenario):
        assert errors and errors[0].startswith("ScenarioMatchesAccountType: AccountType and DeploymentScenario disagree")
        return
    assert errors == []
    assert set(stack.resources()) == expected_resources(stack.parameters)
    # Every Ref, GetAtt, Sub and DependsOn of what is created points at something that is created too.
    stack.rendered_resources()
    stack.outputs()


def test_matrix_covers_every_combination():
    assert len(MATRIX) == 2 * 4 * 2 * 2 * 16


def test_linked_account_gets_the_role_and_core_policy_only(stack):
    s = stack(AccountType="Linked", DeploymentScenario="LinkedAccount", BucketName="")
    assert s.validation_errors() == []
    assert set(s.resources()) == {"VendorRole", "CorePolicy"} | CALLBACK
    assert set(s.outputs()) == {"RoleArn", "RoleName", "GrantedPermissionSets", "CallbackStatus", "ConnectionId"}
    assert s.outputs()["GrantedPermissionSets"] == "core"


def test_linked_account_may_opt_in_to_write_permissions(stack):
    s = stack(AccountType="Linked", DeploymentScenario="LinkedAccount", BucketName="", EnableEC2StartStop="true")
    assert set(s.resources()) == {"VendorRole", "CorePolicy", "EC2StartStopPolicy"} | CALLBACK
    assert s.outputs()["GrantedPermissionSets"] == "core,ec2-start-stop"


def test_existing_export_creates_no_export_and_no_bucket(stack):
    s = stack(DeploymentScenario="ExistingBucketExistingExport", DataExportName="Acme_CUR", EnableCarbonFootprint="true",
              CarbonFootprintExportName="Acme_Carbon")
    created_types = {r["Type"] for r in s.resources().values()}
    assert not created_types & {"AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::BCMDataExports::Export",
                                "AWS::CUR::ReportDefinition"}
    out = s.outputs()
    assert out["DataExportName"] == "Acme_CUR" and out["CarbonExportName"] == "Acme_Carbon"
    assert "DataExportArn" not in out and "CarbonExportArn" not in out
    assert out["CurPrefix"] == "reports"


def test_existing_bucket_new_export_never_touches_the_bucket_or_its_policy(stack):
    s = stack(DeploymentScenario="ExistingBucketNewExport")
    assert "BillingBucket" not in s.resources() and "BillingBucketPolicy" not in s.resources()
    assert s.rendered_resources()["Cur2Export"]["Properties"]["Export"]["DestinationConfigurations"][
        "S3Destination"]["S3Bucket"] == "acme-costlink-cur"


def test_new_bucket_new_export_outputs(stack):
    out = stack(EnableCarbonFootprint="true").outputs()
    assert out == {
        "RoleArn": "<VendorRole.Arn>", "RoleName": "<VendorRole>",
        "CallbackStatus": "<ConnectionCallback.CallbackStatus>", "ConnectionId": "<ConnectionCallback>",
        "GrantedPermissionSets": "core,cur-bucket-read",
        "BucketName": "acme-costlink-cur", "CurVersion": "CUR2",
        "DataExportName": "CostLink-CUR-Export", "DataExportArn": "<Cur2Export.ExportArn>",
        "CurPrefix": "reports/cur2",
        "CarbonExportName": "CostLink-Carbon-Export", "CarbonExportArn": "<CarbonExport.ExportArn>",
        "CarbonPrefix": "reports/carbon-footprint",
    }


def test_cur1_report_arn_and_prefix(stack):
    out = stack(CURVersion="CUR1", DataExportName="Acme_CUR1").outputs()
    assert out["DataExportArn"] == "arn:aws:cur:us-east-1:111122223333:definition/<Cur1Report>"
    assert out["CurPrefix"] == "reports/cur1"


def test_names_default_from_the_prefix_and_can_be_overridden(stack):
    s = stack(ResourcePrefix="Acme")
    assert s.rendered_resources()["VendorRole"]["Properties"]["RoleName"] == "Acme-ReadAccess"
    s = stack(RoleName="FinOpsReader")
    assert s.rendered_resources()["VendorRole"]["Properties"]["RoleName"] == "FinOpsReader"


def test_callback_reports_the_facts_of_each_scenario(stack):
    props = stack(EnableCarbonFootprint="true", EnableTagManagement="true").rendered_resources()[
        "ConnectionCallback"]["Properties"]
    assert props == {
        "ServiceToken": "<ConnectionCallbackFunction.Arn>", "ServiceTimeout": 300,
        "CallbackUrl": "https://vendor.example.com/costlink/callback", "ExternalId": "ext-Secret_9f8e7d6c5b4a",
        "FailureMode": "FailStack", "RoleArn": "<VendorRole.Arn>", "AccountType": "Root",
        "DeploymentScenario": "NewBucketNewExport", "BucketName": "acme-costlink-cur", "CurVersion": "CUR2",
        "ExportName": "CostLink-CUR-Export", "ExportArn": "<Cur2Export.ExportArn>",
        "CarbonExportName": "CostLink-Carbon-Export", "CarbonExportArn": "<CarbonExport.ExportArn>",
        "CurPrefix": "reports/cur2", "CarbonPrefix": "reports/carbon-footprint",
        "PermissionSets": "core,cur-bucket-read,tag-management"}
    linked = stack(AccountType="Linked", DeploymentScenario="LinkedAccount", BucketName="").rendered_resources()[
        "ConnectionCallback"]["Properties"]
    assert set(linked) == {"ServiceToken", "ServiceTimeout", "CallbackUrl", "ExternalId", "FailureMode", "RoleArn",
                           "AccountType", "DeploymentScenario", "PermissionSets"}
    cur1 = stack(CURVersion="CUR1").rendered_resources()["ConnectionCallback"]["Properties"]
    assert cur1["ExportArn"] == "arn:aws:cur:us-east-1:111122223333:definition/<Cur1Report>"


def test_callback_runs_after_everything_it_reports(stack):
    s = stack(CURVersion="CUR1", EnableCarbonFootprint="true", EnableAutomation="true")
    assert s.template["Resources"]["ConnectionCallback"]["DependsOn"] == "ConnectionReady"
    assert s.rendered_resources()["ConnectionReady"]["Metadata"] == {
        "Core": "<CorePolicy>", "BucketRead": "<CurBucketReadPolicy>", "EC2StartStop": "none",
        "CommitmentPurchase": "none", "TagManagement": "none", "Automation": "<AutomationPolicy>",
        "Cur2": "none", "Cur1": "<Cur1Report>", "Carbon": "<CarbonExport>"}


def test_callback_function_has_least_privilege(stack):
    res = stack().rendered_resources()
    statements = res["ConnectionCallbackRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert [(st["Action"], st["Resource"]) for st in statements] == [
        (["logs:CreateLogStream", "logs:PutLogEvents"], "<ConnectionCallbackLogs.Arn>"),
        ("cloudformation:DescribeStacks", "arn:aws:cloudformation:us-east-1:111122223333:stack/costlink/1")]
    assert res["ConnectionCallbackRole"]["Properties"].get("ManagedPolicyArns") is None
    fn = res["ConnectionCallbackFunction"]["Properties"]
    assert fn["Role"] == "<ConnectionCallbackRole.Arn>" and "Policies" not in fn
