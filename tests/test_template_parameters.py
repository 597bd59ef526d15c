"""Bad parameters are refused before anything is created, with a message that says what to fix."""
import pytest


def only_error(stack, region="us-east-1", **params):
    errors = stack(region=region, **params).validation_errors()
    assert len(errors) == 1, errors
    return errors[0]


def test_defaults_with_the_vendor_values_are_valid(stack):
    assert stack().validation_errors() == []


def test_root_scenario_without_bucket_name(stack):
    for scenario in ("NewBucketNewExport", "ExistingBucketNewExport"):
        assert only_error(stack, BucketName="", DeploymentScenario=scenario) == (
            "RootAccountNeedsBucketName: BucketName is required for a Root account: the name of the billing bucket to "
            "create (NewBucketNewExport) or of your existing billing bucket.")


def test_root_account_outside_us_east_1(stack):
    assert only_error(stack, region="eu-west-1") == (
        "BillingResourcesOnlyInUsEast1: A Root account's billing resources (bucket, CUR and carbon exports) exist only "
        "in us-east-1: launch this stack in US East (N. Virginia).")


def test_linked_account_may_launch_in_any_region(stack):
    assert stack(region="eu-west-1", AccountType="Linked", DeploymentScenario="LinkedAccount",
                 BucketName="").validation_errors() == []


def test_existing_export_needs_its_name(stack):
    assert only_error(stack, DeploymentScenario="ExistingBucketExistingExport").startswith(
        "ExistingExportNeedsItsName: DataExportName is required for ExistingBucketExistingExport")


def test_account_type_and_scenario_must_agree(stack):
    assert only_error(stack, AccountType="Linked", BucketName="").startswith(
        "ScenarioMatchesAccountType: AccountType and DeploymentScenario disagree")


@pytest.mark.parametrize("bad", ["12345678901", "1234567890123", "12345678901a", "", " 123456789012"])
def test_malformed_vendor_account_id(stack, bad):
    assert only_error(stack, VendorAccountId=bad) == (
        "Parameter 'VendorAccountId' failed to satisfy constraint: must be a 12-digit AWS account ID, digits only.")


@pytest.mark.parametrize("bad", [
    "http://vendor.example.com/callback",       # plain http
    "ftp://vendor.example.com/callback",
    "https://",                                  # no host
    "vendor.example.com/callback",               # no scheme
    "https://vendor.example.com/call back",      # whitespace
    "",
])
def test_malformed_or_insecure_callback_url(stack, bad):
    assert only_error(stack, CallbackUrl=bad) == (
        "Parameter 'CallbackUrl' failed to satisfy constraint: must be an https:// URL (plain http is refused).")


@pytest.mark.parametrize("good", ["https://vendor.example.com", "https://api.vendor.example.com:8443/v1/costlink?x=1"])
def test_https_callback_urls_are_accepted(stack, good):
    assert stack(CallbackUrl=good).validation_errors() == []


@pytest.mark.parametrize("bad", ["x", "a" * 1225, "has space", "semi;colon"])
def test_external_id_follows_the_limits_of_sts(stack, bad):
    assert only_error(stack, ExternalId=bad).startswith("Parameter 'ExternalId' failed to satisfy constraint")


def test_external_id_at_the_sts_limits_is_accepted(stack):
    assert stack(ExternalId="ab").validation_errors() == []
    assert stack(ExternalId="a" * 1224).validation_errors() == []
    assert stack(ExternalId="tenant_1+=,.@:/-x").validation_errors() == []


@pytest.mark.parametrize("bad", ["UPPER", "ab", "-leading", "trailing-", "a" * 64, "under_score"])
def test_malformed_bucket_name(stack, bad):
    assert only_error(stack, BucketName=bad).startswith("Parameter 'BucketName' failed to satisfy constraint")


def test_unknown_scenario_value(stack):
    assert only_error(stack, DeploymentScenario="Everything") == "Parameter 'DeploymentScenario' must be one of AllowedValues"


def test_missing_vendor_values(template):
    from costlink_tools.cfn_model import Stack
    assert Stack(template, {}).validation_errors() == [
        "Parameters: ['CallbackUrl', 'ExternalId', 'VendorAccountId'] must have values"]


@pytest.mark.parametrize("good", ["r-ab12", "ou-ab12-cdef3456", "ou-ab12-cdef3456,ou-ab12-99999999,r-ab12",
                                  "ou-" + "a" * 32 + "-" + "b" * 32])
def test_organisation_targets_are_ou_or_root_ids(stack, good):
    assert stack(OrganizationTargets=good).validation_errors() == []


@pytest.mark.parametrize("bad", [
    "ou-ab12-cdef3456, r-ab12",          # a space after the comma
    "ou-ab12-cdef3456,",                 # trailing comma
    ",r-ab12",
    "OU-AB12-CDEF3456",                  # ids are lower case
    "ou-ab1-cdef3456",                   # root part shorter than 4
    "ou-ab12-cdef345",                   # OU part shorter than 8
    "123456789012",                      # an account id is not a target
    "r-ab12;r-cd34",
])
def test_malformed_organisation_targets(stack, bad):
    assert only_error(stack, OrganizationTargets=bad) == (
        "Parameter 'OrganizationTargets' failed to satisfy constraint: must be empty, or OU ids (ou-xxxx-yyyyyyyy) "
        "and/or the root id (r-xxxx), separated by commas without spaces.")


def test_organisation_target_pattern_is_the_apis(template):
    # botocore's OrganizationalUnitId pattern, element by element.
    import gzip
    import json
    import re
    from pathlib import Path

    import botocore
    model = json.loads(gzip.open(next((Path(botocore.__file__).parent / "data" / "cloudformation").glob(
        "*/service-2.json.gz"))).read())
    element = model["shapes"]["OrganizationalUnitId"]["pattern"].strip("^$")
    assert template["Parameters"]["OrganizationTargets"]["AllowedPattern"] == f"^$|^{element}(,{element})*$"


@pytest.mark.parametrize("value,ok", [("0", True), ("10", True), ("100", True), ("101", False), ("-1", False),
                                      ("1.5", False), ("", False), ("010", False), ("ten", False)])
def test_failure_tolerance_is_a_whole_percentage(stack, value, ok):
    errors = stack(OrganizationTargets="r-ab12", OrganizationFailureTolerancePercentage=value).validation_errors()
    assert errors == ([] if ok else [
        "Parameter 'OrganizationFailureTolerancePercentage' failed to satisfy constraint: must be a whole number from "
        "0 to 100."])


@pytest.mark.parametrize("value,ok", [("1", True), ("25", True), ("100", True), ("0", False), ("101", False),
                                      ("", False), ("50%", False)])
def test_max_concurrency_is_a_whole_percentage_of_at_least_one(stack, value, ok):
    # The API's MaxConcurrentPercentage minimum is 1 (botocore), although the resource schema says 0.
    errors = stack(OrganizationTargets="r-ab12", OrganizationMaxConcurrentPercentage=value).validation_errors()
    assert errors == ([] if ok else [
        "Parameter 'OrganizationMaxConcurrentPercentage' failed to satisfy constraint: must be a whole number from "
        "1 to 100."])


def test_unknown_deployment_account(stack):
    assert only_error(stack, OrganizationDeploymentAccount="Payer") == (
        "Parameter 'OrganizationDeploymentAccount' must be one of AllowedValues")
