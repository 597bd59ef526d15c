"""The BCM Data Exports emulator answers the real SDK client (botocore) as the service does."""
from datetime import datetime, timezone

import boto3
import botocore.config
import pytest

from costlink_tools.bcm_exports_emulator import BcmExportsEmulator


@pytest.fixture
def emu():
    with BcmExportsEmulator(page_size=2) as e:
        yield e


def client(emu):
    return boto3.client("bcm-data-exports", endpoint_url=emu.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 4}))


def test_get_export_and_its_status(emu):
    arn = emu.add_export("CUR", "111122223333", status="UNHEALTHY", reason="INSUFFICIENT_PERMISSION",
                         refreshed=datetime(2026, 6, 1, 12, tzinfo=timezone.utc))
    r = client(emu).get_export(ExportArn=arn)
    assert r["Export"]["Name"] == "CUR"
    assert r["ExportStatus"]["StatusCode"] == "UNHEALTHY"
    assert r["ExportStatus"]["StatusReason"] == "INSUFFICIENT_PERMISSION"
    assert r["ExportStatus"]["LastRefreshedAt"] == datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


def test_list_exports_and_executions_paginate(emu):
    arns = [emu.add_export(f"E{i}", "111122223333") for i in range(5)]
    c = client(emu)
    names = [e["ExportName"] for page in c.get_paginator("list_exports").paginate() for e in page["Exports"]]
    assert names == ["E0", "E1", "E2", "E3", "E4"]
    ids = [emu.add_execution(arns[0], "DELIVERY_SUCCESS") for _ in range(3)]
    ids.append(emu.add_execution(arns[0], "DELIVERY_FAILURE", "INSUFFICIENT_PERMISSION"))
    seen = []
    token = None
    while True:
        page = c.list_executions(ExportArn=arns[0], **({"NextToken": token} if token else {}))
        seen += page["Executions"]
        token = page.get("NextToken")
        if not token:
            break
    assert [e["ExecutionId"] for e in seen] == ids
    assert seen[-1]["ExecutionStatus"]["StatusReason"] == "INSUFFICIENT_PERMISSION"
    one = c.get_execution(ExportArn=arns[0], ExecutionId=ids[1])
    assert one["ExecutionStatus"]["StatusCode"] == "DELIVERY_SUCCESS"


def test_unknown_export_is_resource_not_found(emu):
    c = client(emu)
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.get_export(ExportArn="arn:aws:bcm-data-exports:us-east-1:111122223333:export/none-1")


def test_throttling_is_retried_by_the_sdk(emu):
    arn = emu.add_export("CUR", "111122223333")
    emu.throttle("GetExport", 2)
    assert client(emu).get_export(ExportArn=arn)["ExportStatus"]["StatusCode"] == "HEALTHY"
    assert emu.calls.count("GetExport") == 3


def test_legacy_cur_report_definitions_with_their_status():
    from costlink_tools.bcm_exports_emulator import CurReportsEmulator
    with CurReportsEmulator() as emu:
        for i in range(7):
            emu.add_report(f"R{i}", "b", last_status="ERROR_PERMISSIONS" if i == 6 else "SUCCESS")
        c = boto3.client("cur", endpoint_url=emu.endpoint, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing")
        reports = [r for page in c.get_paginator("describe_report_definitions").paginate()
                   for r in page["ReportDefinitions"]]
        assert [r["ReportName"] for r in reports] == [f"R{i}" for i in range(7)]
        assert reports[6]["ReportStatus"]["lastStatus"] == "ERROR_PERMISSIONS"
