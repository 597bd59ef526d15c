"""Evaluates the template's Rules and Conditions over the whole scenario matrix and checks what each stack creates."""
import itertools

import pytest

from conftest import ROOT, VALID
from costlink_tools.cfn_model import STACK_UUID, Stack

ACCOUNT_TYPES = ["Root", "Linked"]
SCENARIOS = ["NewBucketNewExport", "ExistingBucketNewExport", "ExistingBucketExistingExport", "LinkedAccount"]
OPT_INS = {
    "EnableEC2StartStop": "EC2StartStopPolicy",
    "EnableCommitmentPurchase": "CommitmentPurchasePolicy",
    "EnableTagManagement": "TagManagementPolicy",
    "EnableAutomation": "AutomationPolicy",
}
TARGETS = "ou-ab12-cdef3456,r-ab12"
# Organisation option: (OrganizationTargets, OrganizationDeploymentAccount); the deployer matters only with targets.
ORGANISATION = list(itertools.product(["", TARGETS], ["ManagementAccount", "DelegatedAdministrator"]))
MATRIX = list(itertools.product(ACCOUNT_TYPES, SCENARIOS, ["CUR2", "CUR1"], ["true", "false"], ["true", "false"],
                                itertools.product(["true", "false"], repeat=len(OPT_INS)), ORGANISATION))


def params_of(account, scenario, cur, carbon, focus, opt_ins, organisation=("", "ManagementAccount")):
    p = {"AccountType": account, "DeploymentScenario": scenario, "CURVersion": cur, "EnableCarbonFootprint": carbon,
         "EnableFocusExport": focus, "DataExportName": "Existing_CUR", "OrganizationTargets": organisation[0],
         "OrganizationDeploymentAccount": organisation[1]}
    p.update(dict(zip(OPT_INS, opt_ins)))
    if account == "Linked":
        p["BucketName"] = ""
    return p


MEMBER_SETS = {"EnableEC2StartStop": "ec2-start-stop", "EnableCommitmentPurchase": "commitment-purchase",
               "EnableTagManagement": "tag-management", "EnableAutomation": "automation"}
ORGANISATION_FACTS = {"OrganizationTargets", "OrganizationDeploymentAccount", "MemberStackSetId", "MemberRoleName",
                      "MemberPermissionSets"}
ORGANISATION_REFUSED = (
    "OrganizationTargetsOnlyFromARootAccount: OrganizationTargets is for a Root account's stack (in the management "
    "account or a StackSets delegated administrator), which deploys the member role to the organisation's accounts: "
    "leave it empty for a Linked account.")
# Root accounts watch their deliveries.
DETECTOR = {"DeliveryDetectorLogs", "DeliveryFailures", "DeliveryFailuresPolicy", "DeliveryDetectorRole",
            "DeliveryDetectorFunction"}
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
        expected |= {"CurBucketReadPolicy", "DeliveryFailuresReadPolicy"}
        expected |= DETECTOR
        # New bucket: a native S3 notification; existing bucket: an EventBridge rule.
        expected |= ({"DeliveryDetectorS3Permission"} if scenario == "NewBucketNewExport"
                     else {"DeliveryDetectorRule", "DeliveryDetectorEventsPermission"})
    if root and scenario == "NewBucketNewExport":
        expected |= {"BillingBucket", "BillingBucketPolicy"}
    if root and scenario in ("NewBucketNewExport", "ExistingBucketNewExport"):
        expected.add("BillingBucketReady")
        expected.add("Cur2Export" if p["CURVersion"] == "CUR2" else "Cur1Report")
        if p["EnableCarbonFootprint"] == "true":
            expected.add("CarbonExport")
        if p["EnableFocusExport"] == "true":
            expected.add("FocusExport")
    if root and p["OrganizationTargets"]:
        expected.add("MemberRoleStackSet")
    return expected


def expected_callback(p):
    """The facts the callback reports for a scenario (its custom resource's properties), written out independently of
    the template: what the onboarding guide's scenario has, and nothing it does not."""
    root = p["AccountType"] == "Root"
    reads_existing = p["DeploymentScenario"] == "ExistingBucketExistingExport"
    creates = root and p["DeploymentScenario"] in ("NewBucketNewExport", "ExistingBucketNewExport")
    opt_ins = [name for param, name in MEMBER_SETS.items() if p[param] == "true"]
    props = {"ServiceToken": "<ConnectionCallbackFunction.Arn>", "ServiceTimeout": 300,
             "CallbackUrl": VALID["CallbackUrl"], "ExternalId": VALID["ExternalId"], "FailureMode": "FailStack",
             "RoleArn": "<VendorRole.Arn>", "AccountType": p["AccountType"],
             "DeploymentScenario": p["DeploymentScenario"],
             "PermissionSets": ",".join(["core"] + (["cur-bucket-read"] if root else []) + opt_ins)}
    if not root:
        return props

    def prefix(own):
        return "reports" if reads_existing else own      # ExistingExportPrefix's default

    cur = p["CURVersion"]
    props.update(BucketName=VALID["BucketName"], CurVersion=cur, ExportName="Existing_CUR",
                 CurPrefix=prefix(f"reports/{cur.lower()}"), DeliveryFailuresQueueUrl="<DeliveryFailures>")
    if creates:
        props["ExportArn"] = ("<Cur2Export.ExportArn>" if cur == "CUR2"
                              else "arn:aws:cur:us-east-1:111122223333:definition/<Cur1Report>")
    if p["EnableCarbonFootprint"] == "true":
        props.update(CarbonExportName="CostLink-Carbon-Export", CarbonPrefix=prefix("reports/carbon-footprint"))
        if creates:
            props["CarbonExportArn"] = "<CarbonExport.ExportArn>"
    if p["EnableFocusExport"] == "true":
        props.update(FocusExportName="CostLink-FOCUS-Export", FocusPrefix=prefix("reports/focus"))
        if creates:
            props["FocusExportArn"] = "<FocusExport.ExportArn>"
    if p["OrganizationTargets"]:
        props.update(OrganizationTargets=p["OrganizationTargets"],
                     OrganizationDeploymentAccount=p["OrganizationDeploymentAccount"],
                     MemberStackSetId="<MemberRoleStackSet>", MemberRoleName="CostLink-MemberReadAccess",
                     MemberPermissionSets=",".join(["core"] + opt_ins))
    return props


def consistent(account, scenario):
    return (account == "Linked") == (scenario == "LinkedAccount")


@pytest.mark.parametrize("account,scenario,cur,carbon,focus,opt_ins,organisation", MATRIX)
def test_scenario_matrix(template, account, scenario, cur, carbon, focus, opt_ins, organisation):
    stack = Stack(template, {**VALID, **params_of(account, scenario, cur, carbon, focus, opt_ins, organisation)})
    errors = stack.validation_errors()
    if not consistent(account, scenario):
        assert errors and errors[0].startswith("ScenarioMatchesAccountType: AccountType and DeploymentScenario disagree")
        return
    if account == "Linked" and organisation[0]:
        assert errors == [ORGANISATION_REFUSED]
        return
    assert errors == []
    assert set(stack.resources()) == expected_resources(stack.parameters)
    # Every Ref, GetAtt, Sub and DependsOn of what is created points at something that is created too.
    rendered = stack.rendered_resources()
    outputs = stack.outputs()
    callback = rendered["ConnectionCallback"]["Properties"]
    assert callback == expected_callback(stack.parameters)
    # The callback's role may describe the organisation only when the stack has one.
    callback_actions = [st["Action"] for st in
                        rendered["ConnectionCallbackRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]]
    assert ("organizations:DescribeOrganization" in callback_actions) == bool(stack.parameters["OrganizationTargets"])
    if account == "Root":
        # The vendor may read the depth of the queue the callback reports, and the detector watches what it reports.
        assert rendered["DeliveryFailuresReadPolicy"]["Properties"]["PolicyDocument"]["Statement"] == [
            {"Sid": "ReadDeliveryFailuresDepth", "Effect": "Allow", "Action": "sqs:GetQueueAttributes",
             "Resource": "<DeliveryFailures.Arn>"}]
        watched = rendered["DeliveryDetectorFunction"]["Properties"]["Environment"]["Variables"][
            "COSTLINK_REPORT_PREFIXES"]
        assert set(watched.split(",")) == {callback[k] for k in ("CurPrefix", "CarbonPrefix", "FocusPrefix")
                                           if k in callback}
    if "MemberRoleStackSet" in rendered:
        stack_set = rendered["MemberRoleStackSet"]["Properties"]
        assert stack_set["CallAs"] == ("DELEGATED_ADMIN" if organisation[1] == "DelegatedAdministrator" else "SELF")
        passed = {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Parameters"]}
        assert {k: passed[k] for k in OPT_INS} == {k: stack.parameters[k] for k in OPT_INS}
        sets = ["core"] + [name for param, name in MEMBER_SETS.items() if stack.parameters[param] == "true"]
        assert callback["MemberPermissionSets"] == ",".join(sets)
        assert callback["MemberRoleName"] == outputs["MemberRoleName"] == passed["RoleName"]
        assert callback["OrganizationTargets"] == TARGETS
    else:
        assert not set(callback) & ORGANISATION_FACTS
        assert not {"MemberRoleName", "MemberStackSetId"} & set(outputs)


def test_matrix_covers_every_combination():
    assert len(MATRIX) == 2 * 4 * 2 * 2 * 2 * 16 * 4


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
              CarbonFootprintExportName="Acme_Carbon", EnableFocusExport="true", FocusExportName="Acme_FOCUS")
    created_types = {r["Type"] for r in s.resources().values()}
    assert not created_types & {"AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::BCMDataExports::Export",
                                "AWS::CUR::ReportDefinition"}
    out = s.outputs()
    assert out["DataExportName"] == "Acme_CUR" and out["CarbonExportName"] == "Acme_Carbon"
    assert out["FocusExportName"] == "Acme_FOCUS" and out["FocusPrefix"] == "reports"
    assert "DataExportArn" not in out and "CarbonExportArn" not in out and "FocusExportArn" not in out
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
        "CarbonPrefix": "reports/carbon-footprint", "DeliveryFailuresQueueUrl": "<DeliveryFailures>",
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
        "DeliveryFailuresQueueUrl": "<DeliveryFailures>",
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
        "Cur2": "none", "Cur1": "<Cur1Report>", "Carbon": "<CarbonExport>", "Focus": "none", "MemberRoles": "none",
        "FailuresRead": "<DeliveryFailuresReadPolicy>"}
    s = stack(EnableFocusExport="true", OrganizationTargets="r-ab12")
    assert s.rendered_resources()["ConnectionReady"]["Metadata"]["Focus"] == "<FocusExport>"
    assert s.rendered_resources()["ConnectionReady"]["Metadata"]["MemberRoles"] == "<MemberRoleStackSet>"


def test_callback_function_has_least_privilege(stack):
    res = stack().rendered_resources()
    statements = res["ConnectionCallbackRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    own = [(["logs:CreateLogStream", "logs:PutLogEvents"], "<ConnectionCallbackLogs.Arn>"),
           ("cloudformation:DescribeStacks", f"arn:aws:cloudformation:us-east-1:111122223333:stack/costlink/{STACK_UUID}")]
    assert [(st["Action"], st["Resource"]) for st in statements] == own
    organisation = stack(OrganizationTargets="r-ab12").rendered_resources()["ConnectionCallbackRole"]["Properties"][
        "Policies"][0]["PolicyDocument"]["Statement"]
    assert [(st["Action"], st["Resource"]) for st in organisation] == own + [
        ("organizations:DescribeOrganization", "*")]
    assert res["ConnectionCallbackRole"]["Properties"].get("ManagedPolicyArns") is None
    fn = res["ConnectionCallbackFunction"]["Properties"]
    assert fn["Role"] == "<ConnectionCallbackRole.Arn>" and "Policies" not in fn


def detector_statements(stack):
    role = stack.rendered_resources()["DeliveryDetectorRole"]["Properties"]
    return {st["Sid"]: st for st in role["Policies"][0]["PolicyDocument"]["Statement"]}


def test_detector_reads_only_the_report_prefixes(stack):
    st = detector_statements(stack(EnableCarbonFootprint="true"))
    assert st["ReadReports"]["Action"] == "s3:GetObject"
    assert st["ReadReports"]["Resource"] == ["arn:aws:s3:::acme-costlink-cur/reports/cur2/*",
                                             "arn:aws:s3:::acme-costlink-cur/reports/carbon-footprint/*"]
    assert st["ListReports"]["Condition"] == {"StringLike": {"s3:prefix": ["reports/cur2/*",
                                                                            "reports/carbon-footprint/*"]}}
    assert st["ParkUndeliveredEvents"] == {"Sid": "ParkUndeliveredEvents", "Effect": "Allow",
                                           "Action": "sqs:SendMessage", "Resource": "<DeliveryFailures.Arn>"}
    assert set(st) == {"WriteOwnLogs", "ReadReports", "ListReports", "ParkUndeliveredEvents"}
    focus = detector_statements(stack(EnableFocusExport="true", CURVersion="CUR1"))
    assert focus["ReadReports"]["Resource"] == ["arn:aws:s3:::acme-costlink-cur/reports/cur1/*",
                                                "arn:aws:s3:::acme-costlink-cur/reports/focus/*"]
    assert focus["ListReports"]["Condition"] == {"StringLike": {"s3:prefix": ["reports/cur1/*", "reports/focus/*"]}}
    existing = detector_statements(stack(DeploymentScenario="ExistingBucketExistingExport", DataExportName="X",
                                         ExistingExportPrefix="billing"))
    assert existing["ReadReports"]["Resource"] == ["arn:aws:s3:::acme-costlink-cur/billing/*"]
    assert existing["ListReports"]["Condition"] == {"StringLike": {"s3:prefix": ["billing/*"]}}


def test_new_bucket_notifies_the_detector_of_manifests_only(stack):
    res = stack().rendered_resources()
    config = res["BillingBucket"]["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
    assert config == [{"Event": "s3:ObjectCreated:*", "Function": "<DeliveryDetectorFunction.Arn>",
                       "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "reports/"},
                                                      {"Name": "suffix", "Value": "-Manifest.json"}]}}}]
    assert stack().template["Resources"]["BillingBucket"]["DependsOn"] == "DeliveryDetectorS3Permission"
    perm = res["DeliveryDetectorS3Permission"]["Properties"]
    assert (perm["Principal"], perm["SourceArn"], perm["SourceAccount"]) == (
        "s3.amazonaws.com", "arn:aws:s3:::acme-costlink-cur", "111122223333")


@pytest.mark.parametrize("params,keys", [
    ({"DeploymentScenario": "ExistingBucketNewExport"}, [{"wildcard": "reports/cur2/*-Manifest.json"}]),
    ({"DeploymentScenario": "ExistingBucketNewExport", "CURVersion": "CUR1", "EnableCarbonFootprint": "true"},
     [{"wildcard": "reports/cur1/*-Manifest.json"}, {"wildcard": "reports/carbon-footprint/*-Manifest.json"}]),
    ({"DeploymentScenario": "ExistingBucketNewExport", "EnableCarbonFootprint": "true", "EnableFocusExport": "true"},
     [{"wildcard": "reports/cur2/*-Manifest.json"}, {"wildcard": "reports/carbon-footprint/*-Manifest.json"},
      {"wildcard": "reports/focus/*-Manifest.json"}]),
    ({"DeploymentScenario": "ExistingBucketExistingExport", "DataExportName": "X"},
     [{"wildcard": "reports/*-Manifest.json"}]),
    ({"DeploymentScenario": "ExistingBucketExistingExport", "DataExportName": "X", "ExistingExportPrefix": ""},
     [{"wildcard": "*-Manifest.json"}]),
])
def test_existing_bucket_is_watched_through_eventbridge(stack, params, keys):
    res = stack(**params).rendered_resources()
    pattern = res["DeliveryDetectorRule"]["Properties"]["EventPattern"]
    assert pattern == {"source": ["aws.s3"], "detail-type": ["Object Created"],
                       "detail": {"bucket": {"name": ["acme-costlink-cur"]}, "object": {"key": keys}}}
    perm = res["DeliveryDetectorEventsPermission"]["Properties"]
    assert (perm["Principal"], perm["SourceArn"]) == ("events.amazonaws.com", "<DeliveryDetectorRule.Arn>")


def test_detector_retries_then_parks_failures_in_an_encrypted_queue(stack):
    res = stack().rendered_resources()
    fn = res["DeliveryDetectorFunction"]["Properties"]
    assert fn["EventInvokeConfig"] == {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 21600,
                                       "DestinationConfig": {"OnFailure": {"Type": "SQS",
                                                                           "Destination": "<DeliveryFailures.Arn>"}}}
    queue = res["DeliveryFailures"]["Properties"]
    assert queue == {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 1209600}
    assert fn["Environment"]["Variables"] == {
        "COSTLINK_BUCKET": "acme-costlink-cur", "COSTLINK_REPORT_PREFIXES": "reports/cur2",
        "COSTLINK_CALLBACK_URL": "https://vendor.example.com/costlink/callback",
        "COSTLINK_STACK_ID": f"arn:aws:cloudformation:us-east-1:111122223333:stack/costlink/{STACK_UUID}",
        "COSTLINK_MAX_CONCURRENCY": "16"}
    prefixes = {(carbon, focus): stack(EnableCarbonFootprint=carbon, EnableFocusExport=focus).rendered_resources()[
        "DeliveryDetectorFunction"]["Properties"]["Environment"]["Variables"]["COSTLINK_REPORT_PREFIXES"]
        for carbon in ("true", "false") for focus in ("true", "false")}
    assert prefixes == {("false", "false"): "reports/cur2", ("true", "false"): "reports/cur2,reports/carbon-footprint",
                        ("false", "true"): "reports/cur2,reports/focus",
                        ("true", "true"): "reports/cur2,reports/carbon-footprint,reports/focus"}


def test_focus_export_outputs_and_callback_facts(stack):
    s = stack(EnableFocusExport="true")
    out = s.outputs()
    assert (out["FocusExportName"], out["FocusExportArn"], out["FocusPrefix"]) == (
        "CostLink-FOCUS-Export", "<FocusExport.ExportArn>", "reports/focus")
    props = s.rendered_resources()["ConnectionCallback"]["Properties"]
    assert (props["FocusExportName"], props["FocusExportArn"], props["FocusPrefix"]) == (
        "CostLink-FOCUS-Export", "<FocusExport.ExportArn>", "reports/focus")
    named = stack(EnableFocusExport="true", FocusExportName="Acme_FOCUS").outputs()
    assert named["FocusExportName"] == "Acme_FOCUS"
    off = stack().rendered_resources()["ConnectionCallback"]["Properties"]
    assert not {"FocusExportName", "FocusExportArn", "FocusPrefix"} & set(off)
    assert not {"FocusExportName", "FocusExportArn", "FocusPrefix"} & set(stack().outputs())


def test_linked_account_ignores_the_focus_option(stack):
    s = stack(AccountType="Linked", DeploymentScenario="LinkedAccount", BucketName="", EnableFocusExport="true")
    assert s.validation_errors() == [] and "FocusExport" not in s.resources()
    assert "FocusExportName" not in s.rendered_resources()["ConnectionCallback"]["Properties"]


def test_organisation_option_creates_a_service_managed_stackset(stack):
    s = stack(OrganizationTargets=TARGETS, EnableTagManagement="true")
    props = s.rendered_resources()["MemberRoleStackSet"]["Properties"]
    body = props.pop("TemplateBody")
    assert body == (ROOT / "member-role.yaml").read_text()
    assert props == {
        "StackSetName": "CostLink-MemberRoles",
        "Description": "CostLink member role (read-only, assumable only by the vendor with the ExternalId) in every "
                       "target account",
        "PermissionModel": "SERVICE_MANAGED",
        "CallAs": "SELF",
        "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
        "ManagedExecution": {"Active": True},
        "OperationPreferences": {"ConcurrencyMode": "SOFT_FAILURE_TOLERANCE", "FailureTolerancePercentage": "10",
                                 "MaxConcurrentPercentage": "25"},
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
        "StackInstancesGroup": [{"DeploymentTargets": {"OrganizationalUnitIds": ["ou-ab12-cdef3456", "r-ab12"]},
                                 "Regions": ["us-east-1"]}],
        "Parameters": [
            {"ParameterKey": "VendorAccountId", "ParameterValue": "999988887777"},
            {"ParameterKey": "ExternalId", "ParameterValue": "ext-Secret_9f8e7d6c5b4a"},
            {"ParameterKey": "ResourcePrefix", "ParameterValue": "CostLink"},
            {"ParameterKey": "RoleName", "ParameterValue": "CostLink-MemberReadAccess"},
            {"ParameterKey": "EnableEC2StartStop", "ParameterValue": "false"},
            {"ParameterKey": "EnableCommitmentPurchase", "ParameterValue": "false"},
            {"ParameterKey": "EnableTagManagement", "ParameterValue": "true"},
            {"ParameterKey": "EnableAutomation", "ParameterValue": "false"},
        ],
    }


def test_delegated_administrator_calls_as_delegated_admin(stack):
    s = stack(OrganizationTargets="r-ab12", OrganizationDeploymentAccount="DelegatedAdministrator",
              OrganizationFailureTolerancePercentage="0", OrganizationMaxConcurrentPercentage="100")
    props = s.rendered_resources()["MemberRoleStackSet"]["Properties"]
    assert props["CallAs"] == "DELEGATED_ADMIN"
    assert props["OperationPreferences"]["FailureTolerancePercentage"] == "0"
    assert props["OperationPreferences"]["MaxConcurrentPercentage"] == "100"
    callback = s.rendered_resources()["ConnectionCallback"]["Properties"]
    assert callback["OrganizationDeploymentAccount"] == "DelegatedAdministrator"


def test_linked_account_with_organisation_targets_is_refused(stack):
    s = stack(AccountType="Linked", DeploymentScenario="LinkedAccount", BucketName="", OrganizationTargets="r-ab12")
    assert s.validation_errors() == [ORGANISATION_REFUSED]


def test_organisation_facts_reach_the_callback_and_the_outputs(stack):
    s = stack(OrganizationTargets=TARGETS, ResourcePrefix="Acme", EnableEC2StartStop="true", EnableAutomation="true")
    callback = s.rendered_resources()["ConnectionCallback"]["Properties"]
    assert {k: callback[k] for k in ORGANISATION_FACTS} == {
        "OrganizationTargets": TARGETS, "OrganizationDeploymentAccount": "ManagementAccount",
        "MemberStackSetId": "<MemberRoleStackSet>", "MemberRoleName": "Acme-MemberReadAccess",
        "MemberPermissionSets": "core,ec2-start-stop,automation"}
    # The payer's own role keeps its bucket read; members never get it.
    assert callback["PermissionSets"] == "core,cur-bucket-read,ec2-start-stop,automation"
    out = s.outputs()
    assert (out["MemberStackSetId"], out["MemberRoleName"]) == ("<MemberRoleStackSet>", "Acme-MemberReadAccess")
    assert s.rendered_resources()["MemberRoleStackSet"]["Properties"]["StackSetName"] == "Acme-MemberRoles"
