"""The BCM Data Exports emulator answers the real SDK client (botocore) as the service does."""
import json
import urllib.error
import urllib.request
from datetime import datetime, timezone

import boto3
import botocore.config
import pytest

from costlink_tools.bcm_exports_emulator import BcmExportsEmulator, CurReportsEmulator

ACCOUNT = "111122223333"
JUNE_1 = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
JUNE_2 = datetime(2026, 6, 2, 8, 30, 15, 250000, tzinfo=timezone.utc)


@pytest.fixture
def emu():
    with BcmExportsEmulator(page_size=2) as e:
        yield e


def client(emu, **retries):
    return boto3.client("bcm-data-exports", endpoint_url=emu.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=botocore.config.Config(retries=retries or {"mode": "standard", "total_max_attempts": 4}))


def pages(call, key, **params):
    """Every item of a list operation, following NextToken by hand."""
    items, token = [], None
    while True:
        page = call(**params, **({"NextToken": token} if token else {}))
        items += page[key]
        token = page.get("NextToken")
        if not token:
            return items


def test_get_export_with_its_definition_and_times(emu):
    arn = emu.add_export("carbon", ACCOUNT, table="CARBON_EMISSIONS", bucket="acme-cur",
                         prefix="reports/carbon-footprint", created=JUNE_1, refreshed=JUNE_2)
    assert arn.startswith(f"arn:aws:bcm-data-exports:us-east-1:{ACCOUNT}:export/carbon-")
    r = client(emu).get_export(ExportArn=arn)
    assert r["Export"]["ExportArn"] == arn and r["Export"]["Name"] == "carbon"
    assert "CARBON_EMISSIONS" in r["Export"]["DataQuery"]["QueryStatement"]
    s3 = r["Export"]["DestinationConfigurations"]["S3Destination"]
    assert (s3["S3Bucket"], s3["S3Prefix"], s3["S3BucketOwner"]) == ("acme-cur", "reports/carbon-footprint", ACCOUNT)
    assert r["ExportStatus"] == {"StatusCode": "HEALTHY", "CreatedAt": JUNE_1, "LastUpdatedAt": JUNE_1,
                                 "LastRefreshedAt": JUNE_2}


def test_unhealthy_export_carries_its_reason(emu):
    arn = emu.add_export("CUR", ACCOUNT, status="UNHEALTHY", reason="INSUFFICIENT_PERMISSION")
    status = client(emu).get_export(ExportArn=arn)["ExportStatus"]
    assert (status["StatusCode"], status["StatusReason"]) == ("UNHEALTHY", "INSUFFICIENT_PERMISSION")
    [listed] = client(emu).list_exports()["Exports"]
    assert listed["ExportArn"] == arn and listed["ExportStatus"]["StatusReason"] == "INSUFFICIENT_PERMISSION"


def test_list_exports_pages_with_next_token(emu):
    arns = [emu.add_export(f"E{i}", ACCOUNT) for i in range(5)]
    c = client(emu)
    first = c.list_exports()
    assert [e["ExportName"] for e in first["Exports"]] == ["E0", "E1"] and first["NextToken"]
    assert [e["ExportArn"] for e in pages(c.list_exports, "Exports")] == arns
    assert [e["ExportName"] for e in pages(c.list_exports, "Exports", MaxResults=3)] == [f"E{i}" for i in range(5)]
    paginated = c.get_paginator("list_exports").paginate(PaginationConfig={"PageSize": 4})
    assert [len(p["Exports"]) for p in paginated] == [4, 1]


def test_executions_list_and_get(emu):
    arn = emu.add_export("CUR", ACCOUNT)
    emu.add_execution(arn, "DELIVERY_SUCCESS", created=JUNE_1, execution_id="run-1")
    emu.add_execution(arn, "DELIVERY_FAILURE", "INSUFFICIENT_PERMISSION", created=JUNE_1, completed=JUNE_2,
                      execution_id="run-2")
    running = emu.add_execution(arn, "QUERY_IN_PROCESS", created=JUNE_2)
    c = client(emu)
    executions = pages(c.list_executions, "Executions", ExportArn=arn)
    assert [x["ExecutionId"] for x in executions] == ["run-1", "run-2", running]
    assert executions[1]["ExecutionStatus"] == {
        "StatusCode": "DELIVERY_FAILURE", "StatusReason": "INSUFFICIENT_PERMISSION",
        "CreatedAt": JUNE_1, "CompletedAt": JUNE_2, "LastUpdatedAt": JUNE_2}
    assert executions[0]["ExecutionStatus"]["CompletedAt"] == JUNE_1
    assert "CompletedAt" not in executions[2]["ExecutionStatus"]
    paginated = c.get_paginator("list_executions").paginate(ExportArn=arn)
    assert [x["ExecutionId"] for p in paginated for x in p["Executions"]] == ["run-1", "run-2", running]
    one = c.get_execution(ExportArn=arn, ExecutionId="run-2")
    assert one["ExecutionId"] == "run-2" and one["Export"]["ExportArn"] == arn
    assert one["ExecutionStatus"]["StatusReason"] == "INSUFFICIENT_PERMISSION"


def test_unknown_export_or_execution_is_resource_not_found(emu):
    c = client(emu)
    missing = f"arn:aws:bcm-data-exports:us-east-1:{ACCOUNT}:export/none-1"
    for call in (lambda: c.get_export(ExportArn=missing), lambda: c.list_executions(ExportArn=missing),
                 lambda: c.get_execution(ExportArn=missing, ExecutionId="run-1")):
        with pytest.raises(c.exceptions.ResourceNotFoundException) as raised:
            call()
        assert raised.value.response["ResourceId"] == missing
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    arn = emu.add_export("CUR", ACCOUNT)
    with pytest.raises(c.exceptions.ResourceNotFoundException, match="Execution run-9 not found"):
        c.get_execution(ExportArn=arn, ExecutionId="run-9")


def test_bad_next_token_is_a_validation_error(emu):
    c = client(emu)
    with pytest.raises(c.exceptions.ValidationException):
        c.list_exports(NextToken="not-a-token")


def test_throttling_is_retried_by_the_sdk_then_succeeds(emu):
    arn = emu.add_export("CUR", ACCOUNT)
    emu.throttle("GetExport", 2)
    assert client(emu).get_export(ExportArn=arn)["ExportStatus"]["StatusCode"] == "HEALTHY"
    assert emu.calls.count("GetExport") == 3


def test_throttling_surfaces_when_retries_run_out(emu):
    emu.throttle("ListExports", 5)
    c = client(emu, mode="standard", total_max_attempts=2)
    with pytest.raises(c.exceptions.ThrottlingException):
        c.list_exports()
    assert emu.calls.count("ListExports") == 2


def test_operations_not_emulated_are_unknown(emu):
    c = client(emu)
    with pytest.raises(c.exceptions.ClientError) as raised:
        c.list_tables()
    assert raised.value.response["Error"]["Code"] == "UnknownOperationException"
    request = urllib.request.Request(emu.endpoint + "/", data=b"{}", method="POST", headers={
        "X-Amz-Target": "SomeOtherService.GetExport", "Content-Type": "application/x-amz-json-1.1"})
    with pytest.raises(urllib.error.HTTPError) as http_error:
        urllib.request.urlopen(request, timeout=5)
    assert http_error.value.code == 400
    assert http_error.value.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert json.loads(http_error.value.read())["__type"] == "UnknownOperationException"


def test_legacy_cur_report_definitions_with_their_status():
    with CurReportsEmulator() as emu:
        for i in range(7):
            emu.add_report(f"R{i}", "b", last_status="ERROR_PERMISSIONS" if i == 6 else "SUCCESS")
        c = boto3.client("cur", endpoint_url=emu.endpoint, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing")
        reports = [r for page in c.get_paginator("describe_report_definitions").paginate()
                   for r in page["ReportDefinitions"]]
        assert [r["ReportName"] for r in reports] == [f"R{i}" for i in range(7)]
        assert reports[6]["ReportStatus"]["lastStatus"] == "ERROR_PERMISSIONS"
