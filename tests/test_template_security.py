"""What a customer's security reviewer reads line by line."""
import json
import re
from pathlib import Path

from conftest import ROOT, SHARED


def test_role_trusts_only_the_vendor_account_and_only_with_the_external_id(stack):
    trust = stack().rendered_resources()["VendorRole"]["Properties"]["AssumeRolePolicyDocument"]
    assert trust["Statement"] == [{
        "Sid": "TrustVendorAccountWithExternalId",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "ext-Secret_9f8e7d6c5b4a"}},
    }]


def test_every_arn_is_partition_aware():
    text = (ROOT / "template.yaml").read_text()
    assert re.findall(r"arn:aws[a-z-]*:", text) == []


def test_partition_follows_the_region(template):
    from conftest import VALID
    from costlink_tools.cfn_model import Stack
    s = Stack(template, {**VALID, "AccountType": "Linked", "DeploymentScenario": "LinkedAccount", "BucketName": ""},
              region="cn-north-1", partition="aws-cn")
    principal = s.rendered_resources()["VendorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert principal["Principal"]["AWS"] == "arn:aws-cn:iam::999988887777:root"


def test_external_id_never_leaves_the_trust_policy(template, stack):
    assert template["Parameters"]["ExternalId"]["NoEcho"] is True
    s = stack(EnableCarbonFootprint="true", EnableAutomation="true")
    assert "ext-Secret_9f8e7d6c5b4a" not in repr(s.outputs())
    holders = [name for name, res in s.rendered_resources().items() if "ext-Secret_9f8e7d6c5b4a" in repr(res)]
    # The trust policy, and the callback that binds its connection event to the tenant with it (its properties reach
    # only its event). The detector holds no ExternalId: its events are proven by its own role.
    assert holders == ["VendorRole", "ConnectionCallback"]


def test_the_functions_that_send_events_run_as_roles_named_after_the_stack(stack):
    """The vendor tells a stack's own callback and detector from any other identity by their role names (docs/security.md,
    "Which roles may send"): costlink-callback-<stack uuid> and costlink-detector-<stack uuid>."""
    s = stack(EnableCarbonFootprint="true")
    resources = s.rendered_resources()
    uuid = s.pseudo("AWS::StackId").rsplit("/", 1)[1]
    assert resources["ConnectionCallbackRole"]["Properties"]["RoleName"] == f"costlink-callback-{uuid}"
    assert resources["DeliveryDetectorRole"]["Properties"]["RoleName"] == f"costlink-detector-{uuid}"
    for role in ("ConnectionCallbackRole", "DeliveryDetectorRole"):
        assert len(resources[role]["Properties"]["RoleName"]) <= 64  # IAM's limit on role names
    env = resources["DeliveryDetectorFunction"]["Properties"]["Environment"]["Variables"]
    assert env["COSTLINK_STACK_ID"] == s.pseudo("AWS::StackId")
    assert "COSTLINK_EXTERNAL_ID" not in env



def test_external_id_reaches_member_accounts_only_through_the_stackset(stack):
    s = stack(OrganizationTargets="r-ab12")
    holders = [name for name, res in s.rendered_resources().items() if "ext-Secret_9f8e7d6c5b4a" in repr(res)]
    assert holders == ["VendorRole", "MemberRoleStackSet", "ConnectionCallback"]
    params = s.rendered_resources()["MemberRoleStackSet"]["Properties"]["Parameters"]
    # A parameter of the member template, which declares it NoEcho: never part of the template body or an output.
    assert [p["ParameterKey"] for p in params if p["ParameterValue"] == "ext-Secret_9f8e7d6c5b4a"] == ["ExternalId"]
    assert "ext-Secret_9f8e7d6c5b4a" not in repr(s.outputs())


def test_billing_bucket_is_private_versioned_encrypted_and_retained(stack):
    res = stack().template["Resources"]["BillingBucket"]
    assert res["DeletionPolicy"] == "Retain" and res["UpdateReplacePolicy"] == "Retain"
    props = stack().rendered_resources()["BillingBucket"]["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"}
    rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["DeleteOldVersions"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}
    assert rules["TransitionToIntelligentTiering"]["Transitions"] == [
        {"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 180}]
    assert rules["AbortIncompleteMultipartUploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert all(r["Status"] == "Enabled" for r in rules.values())


def test_bucket_policy_denies_plain_http_and_scopes_the_billing_services(stack):
    policy = stack().rendered_resources()["BillingBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    by_sid = {st["Sid"]: st for st in policy}
    deny = by_sid["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == ["arn:aws:s3:::<BillingBucket>", "arn:aws:s3:::<BillingBucket>/*"]
    for sid in ("AllowBillingServicesCheckBucket", "AllowBillingServicesDeliver"):
        st = by_sid[sid]
        assert st["Principal"] == {"Service": ["billingreports.amazonaws.com", "bcm-data-exports.amazonaws.com"]}
        assert st["Condition"] == {
            "StringLike": {"aws:SourceArn": ["arn:aws:cur:us-east-1:111122223333:definition/*",
                                             "arn:aws:bcm-data-exports:us-east-1:111122223333:export/*"]},
            "StringEquals": {"aws:SourceAccount": "111122223333"}}
    assert by_sid["AllowBillingServicesDeliver"]["Action"] == "s3:PutObject"
    assert by_sid["AllowBillingServicesDeliver"]["Resource"] == "arn:aws:s3:::<BillingBucket>/*"
    assert by_sid["AllowBillingServicesCheckBucket"]["Action"] == ["s3:GetBucketAcl", "s3:GetBucketPolicy"]


def test_exports_wait_for_the_bucket_policy(stack):
    for params, export in (({}, "Cur2Export"), ({"CURVersion": "CUR1"}, "Cur1Report"),
                           ({"EnableCarbonFootprint": "true"}, "CarbonExport")):
        s = stack(**params)
        assert s.template["Resources"][export]["DependsOn"] == "BillingBucketReady"
        assert s.rendered_resources()["BillingBucketReady"]["Metadata"] == {"BucketPolicy": "<BillingBucketPolicy>"}


def guide_queries():
    seed = (SHARED / "reference" / "seeds" / "000_043a90a6bea9ec0d.txt").read_text()
    return re.findall(r'"QueryStatement": "([^"]+)"', seed)


def test_cur2_export_is_the_guides_export(stack):
    export = stack().rendered_resources()["Cur2Export"]["Properties"]["Export"]
    assert export["DataQuery"]["QueryStatement"] == guide_queries()[0]
    assert export["DataQuery"]["TableConfigurations"] == {"COST_AND_USAGE_REPORT": {
        "TIME_GRANULARITY": "DAILY", "INCLUDE_RESOURCES": "TRUE", "INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY": "FALSE",
        "INCLUDE_SPLIT_COST_ALLOCATION_DATA": "TRUE", "INCLUDE_CAPACITY_RESERVATION_DATA": "TRUE"}}
    assert export["RefreshCadence"] == {"Frequency": "SYNCHRONOUS"}
    assert export["DestinationConfigurations"]["S3Destination"] == {
        "S3Bucket": "acme-costlink-cur", "S3Prefix": "reports/cur2", "S3Region": "us-east-1",
        "S3OutputConfigurations": {"Overwrite": "OVERWRITE_REPORT", "Format": "PARQUET", "Compression": "PARQUET",
                                   "OutputType": "CUSTOM"}}


def test_carbon_export_is_the_guides_export(stack):
    export = stack(EnableCarbonFootprint="true").rendered_resources()["CarbonExport"]["Properties"]["Export"]
    assert export["DataQuery"]["QueryStatement"] == guide_queries()[1]
    assert export["DestinationConfigurations"]["S3Destination"]["S3Prefix"] == "reports/carbon-footprint"


def test_cur1_report_is_the_guides_report(stack):
    props = stack(CURVersion="CUR1").rendered_resources()["Cur1Report"]["Properties"]
    assert props == {
        "ReportName": "CostLink-CUR-Export", "TimeUnit": "DAILY", "Format": "Parquet", "Compression": "Parquet",
        "AdditionalSchemaElements": ["RESOURCES", "SPLIT_COST_ALLOCATION_DATA"], "S3Bucket": "acme-costlink-cur",
        "S3Prefix": "reports/cur1", "S3Region": "us-east-1", "RefreshClosedReports": True,
        "ReportVersioning": "OVERWRITE_REPORT", "AdditionalArtifacts": []}


def test_every_parameter_has_a_label_and_a_group(template):
    meta = template["Metadata"]["AWS::CloudFormation::Interface"]
    grouped = [p for g in meta["ParameterGroups"] for p in g["Parameters"]]
    assert sorted(grouped) == sorted(template["Parameters"]) and len(grouped) == len(set(grouped))
    assert set(meta["ParameterLabels"]) == set(template["Parameters"])


# FOCUS 1.0 with AWS columns, as the Data Exports table dictionary lists them:
# https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-0-aws-columns.html
FOCUS_1_0_AWS_COLUMNS = [
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
    "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd",
    "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName",
    "CommitmentDiscountStatus", "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
    "ContractedUnitPrice", "EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
    "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId",
    "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId", "SubAccountId",
    "SubAccountName", "Tags", "x_CostCategories", "x_Discounts", "x_Operation", "x_ServiceCode", "x_UsageType",
]


def test_focus_export_selects_every_documented_column_of_focus_1_0_aws(stack):
    export = stack(EnableFocusExport="true").rendered_resources()["FocusExport"]["Properties"]["Export"]
    query = export["DataQuery"]["QueryStatement"]
    match = re.fullmatch(r"SELECT (.+) FROM FOCUS_1_0_AWS", query)
    assert match, query
    assert match.group(1).split(", ") == FOCUS_1_0_AWS_COLUMNS
    assert export["DataQuery"]["TableConfigurations"] == {}
    assert export["RefreshCadence"] == {"Frequency": "SYNCHRONOUS"}
    assert export["Name"] == "CostLink-FOCUS-Export"
    assert export["DestinationConfigurations"]["S3Destination"] == {
        "S3Bucket": "acme-costlink-cur", "S3Prefix": "reports/focus", "S3Region": "us-east-1",
        "S3OutputConfigurations": {"Overwrite": "OVERWRITE_REPORT", "Format": "PARQUET", "Compression": "PARQUET",
                                   "OutputType": "CUSTOM"}}
    assert "https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-0-aws-columns.html" in (
        ROOT / "template.yaml").read_text()


def test_focus_export_waits_for_the_bucket_policy_and_is_in_its_own_prefix(stack):
    s = stack(EnableFocusExport="true", EnableCarbonFootprint="true")
    assert s.template["Resources"]["FocusExport"]["DependsOn"] == "BillingBucketReady"
    prefixes = [r["Properties"]["Export"]["DestinationConfigurations"]["S3Destination"]["S3Prefix"]
                for r in s.rendered_resources().values() if r["Type"] == "AWS::BCMDataExports::Export"]
    assert sorted(prefixes) == ["reports/carbon-footprint", "reports/cur2", "reports/focus"]


def test_data_export_names_follow_the_bcm_data_exports_pattern(template):
    # The Export.Name pattern of the AWS::BCMDataExports::Export resource schema shipped with cfn-lint.
    import cfnlint
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    provider = json.loads((schemas / "providers" / "us-east-1.json").read_text())["AWS::BCMDataExports::Export"]
    schema = json.loads((schemas / "resources" / f"{provider}.json").read_text())
    name_pattern = schema["definitions"]["Export"]["properties"]["Name"]["pattern"]
    for param in ("CarbonFootprintExportName", "FocusExportName"):
        allowed = template["Parameters"][param]["AllowedPattern"]
        for candidate in ("Acme_Carbon-1", "a" * 128, "Acme.Carbon", "Acme(1)", "Acme*", "it's", "Acme!"):
            accepted = re.fullmatch(allowed, candidate) is not None
            assert accepted == (re.fullmatch(name_pattern, candidate) is not None and len(candidate) <= 128), (
                param, candidate)
