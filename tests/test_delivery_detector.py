"""The delivery detector, invoked as Lambda invokes it (RIE + Java runtime interface client) with the events/ files,
against deliveries built in the local moto S3 exactly as AWS lays them out, and a local vendor that checks each event's
proof of origin (the detector holds no ExternalId: its events carry no HMAC)."""
import copy
import hashlib
import json
import struct
from pathlib import Path

import pytest

from conftest import ROOT, SHARED
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner, free_port
from costlink_tools.metric_catalog import MetricCatalog
from costlink_tools.stand_in_vendor import Answer, Vendor
from support.contract import validate as validate_contract
from support.deliveries import (CUR2_COLUMNS, Builder, OverwritingProxy, eventbridge_event, gzip_csv, parquet_bytes,
                                s3_notification)
from support.emf import emf_lines, emitted_metrics

EVENTS = ROOT / "events"
ENV = json.loads((EVENTS / "env.json").read_text())["DeliveryDetectorFunction"]
STACK_ID = ENV["COSTLINK_STACK_ID"]
BUCKET = ENV["COSTLINK_BUCKET"]


@pytest.fixture(scope="module")
def spec(sam_built):
    return FunctionSpec.from_template("DeliveryDetectorFunction")


@pytest.fixture
def s3(moto):
    client = moto.client("s3")
    for b in [o["Name"] for o in client.list_buckets()["Buckets"]]:
        if b in (BUCKET, "other-bucket"):
            for obj in client.list_objects_v2(Bucket=b).get("Contents", []):
                client.delete_object(Bucket=b, Key=obj["Key"])
    for b in (BUCKET, "other-bucket"):
        try:
            client.create_bucket(Bucket=b)
        except client.exceptions.BucketAlreadyOwnedByYou:
            pass
    return client


@pytest.fixture
def build(s3):
    return Builder(s3, BUCKET)


@pytest.fixture
def vendor():
    v = Vendor(None)
    yield v
    v.stop()


def detector(spec, moto, vendor_url, timeout=None, **env):
    return LambdaRunner(spec, timeout=timeout, env={**ENV, "COSTLINK_CALLBACK_URL": vendor_url,
                                                    "AWS_ENDPOINT_URL": moto.endpoint, **env})


def run(spec, moto, vendor, event, **env):
    with detector(spec, moto, vendor.url, **env) as runner:
        invocation = runner.invoke(event)
        logs = runner.logs()
        lines = [line for line in runner.json_logs() if "_aws" not in line]   # log lines, not metrics
    assert "CostLink-Identity" not in logs and "Signature=" not in logs
    for received in vendor.received:
        assert received.proof_valid, received.proof_problem
        assert "CostLink-Signature" not in received.headers, "a delivery event carries no HMAC"
        validate_contract("DeliveryEvent", received.json())
    return invocation, lines


def only_event(vendor):
    assert len(vendor.events) == 1, [r.json()["type"] for r in vendor.received]
    body = dict(next(iter(vendor.events.values())))
    body.pop("occurredAt")
    return body


def delivery_id(bucket, identity):
    return "evt_" + hashlib.sha256(f"delivery\n{bucket}\n{identity}".encode()).hexdigest()[:40]


ENVELOPE = {"stackId": STACK_ID, "accountId": "012345678912",
            "partition": "aws", "region": "us-east-1"}


# ------------------------------------------------------------------------------------------------ sound deliveries
def test_cur2_delivery_from_the_events_file(spec, moto, vendor, build):
    d = build.cur2(files=3, rows=4)
    event = json.loads((EVENTS / "delivery-cur2.json").read_text())
    invocation, lines = run(spec, moto, vendor, event)
    assert not invocation.function_error, invocation.payload
    event_id = delivery_id(BUCKET, f"CUR2\nreports/cur2/CostLink-CUR-Export/\n{d.manifest['executionId']}")
    assert only_event(vendor) == {"type": "delivery.completed", "id": event_id, **ENVELOPE, "delivery": {
        "kind": "CUR2", "bucket": BUCKET, "exportName": "CostLink-CUR-Export",
        "exportArn": d.manifest["exportArn"], "billingPeriod": "2026-05", "executionId": d.manifest["executionId"],
        "manifestKey": d.manifest_key, "format": "parquet", "fileCount": 3, "totalRows": 12,
        "totalBytes": d.total_bytes}}
    assert vendor.received[0].headers["Idempotency-Key"] == event_id
    assert invocation.json() == {"deliveries": [{"eventId": event_id, "type": "delivery.completed",
                                                 "manifestKey": d.manifest_key, "vendor": "DELIVERED"}], "ignored": 0}
    checked = [l for l in lines if l["message"] == "delivery checked"][0]
    assert (checked["files"], checked["rows"], checked["problems"]) == (3, 12, 0)


def test_cur2_create_new_mode_is_one_event_for_its_two_manifests(spec, moto, vendor, build):
    d = build.cur2(create_new=True)
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    run(spec, moto, vendor, s3_notification(BUCKET, d.second_manifest_key))
    assert len(vendor.received) == 2
    assert len({r.headers["Idempotency-Key"] for r in vendor.received}) == 1
    assert only_event(vendor)["type"] == "delivery.completed"


@pytest.mark.parametrize("column_names", ["documented", "physical"])
@pytest.mark.parametrize("in_month_folder", [False, True], ids=["range-folder", "month-folder"])
def test_cur1_athena_parquet_in_both_manifest_locations_and_column_spellings(spec, moto, vendor, build, in_month_folder,
                                                                           column_names):
    """~180 columns written as Athena's parquet-mr writes CUR 1.0 (INT96 timestamps, root hive_schema), the manifest
    listing them as {category, name} ("documented") or with the name already physical: both are the same columns."""
    d = build.cur1(in_month_folder=in_month_folder, column_names=column_names)
    event = json.loads((EVENTS / "delivery-cur1.json").read_text()) if not in_month_folder \
        else s3_notification(BUCKET, d.manifest_key)
    run(spec, moto, vendor, event)
    body = only_event(vendor)
    assert body["type"] == "delivery.completed", body
    assert body["delivery"] == {
        "kind": "CUR1", "bucket": BUCKET, "reportName": "CostLink-CUR-Export", "billingPeriod": "2026-05",
        "assemblyId": d.manifest["assemblyId"], "manifestKey": d.manifest_key, "format": "parquet", "fileCount": 1,
        "totalRows": 5, "totalBytes": d.total_bytes}
    assert len(d.manifest["columns"]) > 175


def test_cur1_columns_differing_in_more_than_spelling(spec, moto, vendor, build, s3):
    d = build.cur1(column_names="physical")
    manifest = copy.deepcopy(d.manifest)
    manifest["columns"] = [c for c in manifest["columns"] if c["name"] != "savings_plan_savings_plan_a_r_n"]
    manifest["columns"].append({"category": "resourceTags", "name": "user:Owner", "type": "OptionalString"})
    s3.put_object(Bucket=BUCKET, Key=d.manifest_key, Body=json.dumps(manifest).encode())
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    assert problems_of(vendor) == [{"file": d.data_keys[0], "problem": "columns differ from the manifest: missing 1 "
                                    "[resource_tags_user_owner]; unexpected 1 [savings_plan_savings_plan_a_r_n]"}]


@pytest.mark.parametrize("spelling", ["carbon_model_version", "model_version"])
def test_carbon_delivery_in_both_partition_spellings(spec, moto, vendor, build, spelling):
    d = build.carbon(spelling=spelling)
    event = json.loads((EVENTS / "delivery-carbon.json").read_text()) if spelling == "carbon_model_version" \
        else s3_notification(BUCKET, d.manifest_key)
    run(spec, moto, vendor, event)
    body = only_event(vendor)
    assert body["type"] == "delivery.completed", body
    assert (body["delivery"]["kind"], body["delivery"]["billingPeriod"], body["delivery"]["totalRows"]) == (
        "CARBON", "2026-04", 4)


# ------------------------------------------------------------------------------------------------ text deliveries
def test_cur1_text_report_in_both_manifest_folders(spec, moto, vendor, build):
    d = build.cur1_text(files=2, rows=5)
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    run(spec, moto, vendor, s3_notification(BUCKET, d.second_manifest_key))
    assert len(vendor.received) == 2 and len(vendor.events) == 1, "one run, one event"
    body = only_event(vendor)
    assert body["type"] == "delivery.completed", body
    assert body["delivery"] == {
        "kind": "CUR1", "bucket": BUCKET, "reportName": "CostLink-CUR-Export", "billingPeriod": "2026-05",
        "assemblyId": d.manifest["assemblyId"], "manifestKey": d.manifest_key, "format": "csv-gzip", "fileCount": 2,
        "totalRows": 10, "totalBytes": d.total_bytes}


def test_large_carbon_csv_gzip_is_read_from_its_start_only(spec, moto, vendor, build):
    d = build.carbon(text=True, rows=2000, noise=200)
    assert d.total_bytes > 3 * 65_536
    _, lines = run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    body = only_event(vendor)
    assert body["type"] == "delivery.completed", body
    assert body["delivery"]["format"] == "csv-gzip"
    assert "totalRows" not in body["delivery"], "rows of a large compressed file are not counted"
    assert body["delivery"]["totalBytes"] == d.total_bytes
    checked = [l for l in lines if l["message"] == "delivery checked"][0]
    manifest_bytes = len(json.dumps(d.manifest).encode())
    assert checked["bytesRead"] == manifest_bytes + 65_536, checked


def test_text_files_that_are_not_what_the_manifest_says(spec, moto, vendor, build, s3):
    d = build.cur1_text(files=4, rows=50)
    whole = s3.get_object(Bucket=BUCKET, Key=d.data_keys[0])["Body"].read()
    s3.put_object(Bucket=BUCKET, Key=d.data_keys[0], Body=whole[:-12])
    s3.put_object(Bucket=BUCKET, Key=d.data_keys[1], Body=parquet_bytes(["identity_line_item_id"], 3))
    s3.put_object(Bucket=BUCKET, Key=d.data_keys[2], Body=b"")
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    assert problems_of(vendor) == [
        {"file": d.data_keys[0], "problem": "truncated GZIP data: the file ends before its compressed stream does"},
        {"file": d.data_keys[1], "problem": "not a GZIP file: its content is Parquet (the delivery is csv-gzip)"},
        {"file": d.data_keys[2], "problem": "empty file (0 bytes): not a GZIP file"}]
    assert only_event(vendor)["delivery"]["format"] == "csv-gzip"


def test_a_gzip_file_in_a_parquet_delivery(spec, moto, vendor, build, s3):
    d = build.cur2(files=2)
    s3.put_object(Bucket=BUCKET, Key=d.data_keys[1], Body=gzip_csv(CUR2_COLUMNS, 3))
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    assert problems_of(vendor) == [{"file": d.data_keys[1], "problem": "not a Parquet file: its content is "
                                    "GZIP-compressed (the delivery is parquet)"}]


# ------------------------------------------------------------------------------------------------ FOCUS
WITH_FOCUS = {"COSTLINK_REPORT_PREFIXES": ENV["COSTLINK_REPORT_PREFIXES"] + ",reports/focus"}


def test_focus_delivery_from_the_events_file(spec, moto, vendor, build):
    d = build.focus(files=2, rows=3)
    run(spec, moto, vendor, json.loads((EVENTS / "delivery-focus.json").read_text()), **WITH_FOCUS)
    body = only_event(vendor)
    event_id = delivery_id(BUCKET, f"FOCUS\nreports/focus/CostLink-FOCUS-Export/\n{d.manifest['executionId']}")
    assert body == {"type": "delivery.completed", "id": event_id, **ENVELOPE, "delivery": {
        "kind": "FOCUS", "bucket": BUCKET, "exportName": "CostLink-FOCUS-Export",
        "exportArn": d.manifest["exportArn"], "billingPeriod": "2026-05", "executionId": d.manifest["executionId"],
        "manifestKey": d.manifest_key, "format": "parquet", "fileCount": 2, "totalRows": 6,
        "totalBytes": d.total_bytes}}


def test_focus_is_told_by_its_columns_whatever_the_partitions_case(spec, moto, vendor, build):
    d = build.focus(partition="BILLING_PERIOD")
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key), **WITH_FOCUS)
    body = only_event(vendor)
    assert (body["type"], body["delivery"]["kind"]) == ("delivery.completed", "FOCUS"), body


def test_eventbridge_shaped_event(spec, moto, vendor, build):
    build.cur2()
    run(spec, moto, vendor, json.loads((EVENTS / "delivery-eventbridge.json").read_text()))
    assert only_event(vendor)["type"] == "delivery.completed"


def test_url_encoded_keys_with_equals_spaces_and_non_ascii(spec, moto, vendor, build):
    d = build.cur2(export="Coût Export-été")
    event = s3_notification(BUCKET, d.manifest_key)
    assert "Co%C3%BBt+Export-%C3%A9t%C3%A9" in event["Records"][0]["s3"]["object"]["key"]
    assert "%3D" in event["Records"][0]["s3"]["object"]["key"]
    run(spec, moto, vendor, event)
    body = only_event(vendor)
    assert body["type"] == "delivery.completed", body
    assert body["delivery"]["exportName"] == "Coût Export-été"
    vendor2 = Vendor(None)
    try:
        run(spec, moto, vendor2, eventbridge_event(BUCKET, d.manifest_key))
        assert only_event(vendor2)["delivery"]["manifestKey"] == d.manifest_key
    finally:
        vendor2.stop()


# ------------------------------------------------------------------------------------------------ broken deliveries
def problems_of(vendor):
    body = only_event(vendor)
    assert body["type"] == "delivery.invalid", body
    return body["delivery"]["problems"]


def test_a_listed_file_missing(spec, moto, vendor, build, s3):
    d = build.cur2(files=3)
    s3.delete_object(Bucket=BUCKET, Key=d.data_keys[1])
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    assert problems_of(vendor) == [{"file": d.data_keys[1], "problem": "listed in the manifest but missing from the bucket"}]


def test_a_truncated_file(spec, moto, vendor, build, s3):
    d = build.cur2(files=2)
    body = s3.get_object(Bucket=BUCKET, Key=d.data_keys[0])["Body"].read()
    s3.put_object(Bucket=BUCKET, Key=d.data_keys[0], Body=body[:-300])
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    assert problems_of(vendor) == [{"file": d.data_keys[0],
                                    "problem": "no trailing PAR1 magic: truncated or not a Parquet file"}]


def test_the_corrupted_footer_sample(spec, moto, vendor, build, s3):
    d = build.cur2(files=1)
    s3.put_object(Bucket=BUCKET, Key=d.data_keys[0],
                  Body=(SHARED / "samples" / "parquet" / "PARQUET-1481.parquet").read_bytes())
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    [problem] = problems_of(vendor)
    assert problem["file"] == d.data_keys[0] and problem["problem"].startswith("corrupted Parquet footer")


def test_columns_differ_from_the_manifest(spec, moto, vendor, build):
    columns = [c for c in CUR2_COLUMNS if c != "line_item_unblended_cost"] + ["surprise_column"]
    d = build.cur2(files=1, columns=columns)
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    assert problems_of(vendor) == [{"file": d.data_keys[0], "problem": "columns differ from the manifest: missing 1 "
                                    "[line_item_unblended_cost]; unexpected 1 [surprise_column]"}]


def test_a_manifest_that_is_not_json(spec, moto, vendor, build, s3):
    d = build.cur2()
    s3.put_object(Bucket=BUCKET, Key=d.manifest_key, Body=b"<Error>not json</Error>")
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    [problem] = problems_of(vendor)
    assert problem["file"] == d.manifest_key and problem["problem"].startswith("manifest is not valid JSON")
    assert only_event(vendor)["delivery"]["fileCount"] == 0


def test_a_manifest_listing_files_elsewhere_is_refused_without_reading_them(spec, moto, vendor, build, s3):
    d = build.cur2(files=1)
    foreign = "s3://other-bucket/reports/cur2/CostLink-CUR-Export/data/BILLING_PERIOD=2026-05/x.parquet"
    outside = f"s3://{BUCKET}/private/payroll.parquet"
    s3.put_object(Bucket="other-bucket", Key=foreign.split("/", 3)[3], Body=b"PAR1 secret")
    manifest = copy.deepcopy(d.manifest)
    manifest["dataFiles"] += [foreign, outside]
    s3.put_object(Bucket=BUCKET, Key=d.manifest_key, Body=json.dumps(manifest).encode())
    _, lines = run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    assert problems_of(vendor) == [
        {"file": foreign, "problem": "listed in another bucket (other-bucket): not read"},
        {"file": outside, "problem": "outside the export's prefix reports/cur2/CostLink-CUR-Export/: not read"}]
    assert only_event(vendor)["delivery"]["fileCount"] == 3


def test_a_zero_row_delivery_is_reported_as_empty(spec, moto, vendor, build):
    d = build.cur2(files=2, rows=0)
    run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    assert problems_of(vendor) == [{"problem": "empty delivery: the data files hold zero rows"}]
    assert only_event(vendor)["delivery"]["totalRows"] == 0


def test_a_file_overwritten_between_its_two_footer_reads_is_not_reported(spec, moto, vendor, build, s3):
    """A refresh in overwrite mode rewrites a data file between the detector's two ranged reads of its footer (a
    footer larger than the first 64 KiB read). moto answers the pinned second read (If-Match) with 412, as S3 does:
    no event goes out (neither a false "corrupted footer" nor a crash), and the next manifest write re-triggers."""
    d = build.cur2(files=2, rows=6, row_group_size=1)
    body = s3.get_object(Bucket=BUCKET, Key=d.data_keys[1])["Body"].read()
    assert struct.unpack("<I", body[-8:-4])[0] > 65_536, "a footer that needs the second read"
    newer = parquet_bytes(CUR2_COLUMNS, 9, row_group_size=1)
    proxy = OverwritingProxy(moto.endpoint, s3, BUCKET, d.data_keys[1], newer)
    try:
        invocation, lines = run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key),
                                AWS_ENDPOINT_URL=proxy.endpoint)
    finally:
        proxy.stop()
    assert not invocation.function_error, invocation.payload
    assert vendor.received == [], [r.json()["delivery"].get("problems") for r in vendor.received]
    assert invocation.json() == {"deliveries": [{"manifestKey": d.manifest_key,
                                                 "skipped": "changed during validation"}], "ignored": 0}
    first_version = f'"{hashlib.md5(body).hexdigest()}"'
    [tail, second] = proxy.statuses
    assert tail == ("GET", "bytes=-65536", None, 206), proxy.statuses
    assert (second[0], second[2], second[3]) == ("GET", first_version, 412), proxy.statuses
    [warning] = [l for l in lines if l["message"].startswith("delivery changed during validation")]
    assert (warning["level"], warning["changedFiles"], warning["firstChangedFile"]) == ("WARN", 1, d.data_keys[1])

    vendor_after = Vendor(None)
    try:   # the refresh then writes its manifest: that delivery is consistent again and is told
        s3.put_object(Bucket=BUCKET, Key=d.manifest_key, Body=json.dumps(d.manifest).encode())
        run(spec, moto, vendor_after, s3_notification(BUCKET, d.manifest_key))
        assert only_event(vendor_after)["type"] == "delivery.completed"
    finally:
        vendor_after.stop()


def test_a_manifest_larger_than_the_limit_is_refused_before_its_body_is_read(spec, moto, vendor, build, s3):
    d = build.cur2(files=1)
    s3.put_object(Bucket=BUCKET, Key=d.manifest_key, Body=b" " * (16 * 1024 * 1024 + 1))
    _, lines = run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    checked = [l for l in lines if l["message"] == "delivery checked"][0]
    assert checked["bytesRead"] == 0, checked
    assert problems_of(vendor) == [{"file": d.manifest_key, "problem": "manifest is 16777217 bytes, more than the "
                                    "16777216 accepted: not read"}]


def test_the_aws_permission_probe_is_ignored(spec, moto, vendor, build):
    event = s3_notification(BUCKET, "reports/cur2/aws-programmatic-access-test-object")
    invocation, lines = run(spec, moto, vendor, event, COSTLINK_LOG_LEVEL="DEBUG")
    assert invocation.json() == {"deliveries": [], "ignored": 1}
    assert vendor.received == []
    assert {"message": "object ignored", "reason": "AWS permission probe object"}.items() <= [
        l for l in lines if l["message"] == "object ignored"][0].items()


def test_data_files_and_foreign_objects_are_ignored_cheaply(spec, moto, vendor, build):
    d = build.cur2(files=1)
    event = s3_notification(BUCKET, d.data_keys[0])
    event["Records"] += s3_notification("someone-elses-bucket", d.manifest_key)["Records"]
    invocation, lines = run(spec, moto, vendor, event)
    assert invocation.json() == {"deliveries": [], "ignored": 2}
    assert vendor.received == []
    assert not any(l["message"] == "object ignored" for l in lines), "debug lines stay off at INFO"


def test_the_same_event_delivered_twice(spec, moto, vendor, build):
    d = build.cur2()
    event = s3_notification(BUCKET, d.manifest_key)
    first, _ = run(spec, moto, vendor, event)
    second, _ = run(spec, moto, vendor, event)
    assert first.json() == second.json()
    assert len(vendor.received) == 2 and len(vendor.events) == 1


def test_malformed_events_fail_the_invocation(spec, moto, vendor):
    for event in (b"not json", {"Records": [{"s3": {}}]}, {"hello": "world"}):
        invocation, _ = run(spec, moto, vendor, event)
        assert invocation.function_error, event
    assert vendor.received == []


def test_vendor_down_sends_the_event_to_the_on_failure_destination(spec, moto, build):
    sqs = moto.client("sqs")
    queue = sqs.create_queue(QueueName="delivery-failures")["QueueUrl"]
    d = build.cur2()
    event = s3_notification(BUCKET, d.manifest_key)
    dead = f"http://127.0.0.1:{free_port()}/callback"
    with detector(spec, moto, dead, timeout=8) as runner:
        attempts = runner.invoke_async(event, lambda record: sqs.send_message(
            QueueUrl=queue, MessageBody=json.dumps(record)))
        logs = runner.logs()
    assert len(attempts) == 3 and all(a.function_error for a in attempts)
    assert "vendor not told of 1 delivery" in attempts[-1].json()["errorMessage"]
    [message] = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"] == event, "the event can be replayed as it was"
    assert "CostLink-Identity" not in logs and "Signature=" not in logs


def test_never_downloads_a_data_file(spec, moto, vendor, build):
    d = build.cur2(files=4, rows=50, pad_to=2_000_000)
    _, lines = run(spec, moto, vendor, s3_notification(BUCKET, d.manifest_key))
    checked = [l for l in lines if l["message"] == "delivery checked"][0]
    assert d.total_bytes > 4 * 1_500_000
    assert checked["bytesRead"] < 4 * 65_536 + 100_000, checked
    assert only_event(vendor)["type"] == "delivery.completed"


# ------------------------------------------------------------------------------------------------ metrics
CATALOG = MetricCatalog.load()


def declared(*names):
    """What CloudWatch creates for these metrics: each with every dimension set metrics.json declares, nothing else."""
    return {(CATALOG.namespace, name, dims) for name in names for dims in CATALOG.metric(name).dimension_sets}


def metrics_of(spec, moto, vendor, events):
    """The EMF documents (validated by tests/support/emf.py) and the log lines of one execution environment."""
    with detector(spec, moto, vendor.url) as runner:
        invocations = [runner.invoke(e) for e in events]
        logs = runner.logs()
        lines = [line for line in runner.json_logs() if "_aws" not in line]
    return invocations, emf_lines(logs), lines


def test_each_delivery_emits_the_declared_metrics(spec, moto, vendor, build, s3):
    good, focus = build.cur2(files=2, rows=3), build.focus(files=1)
    bad = build.cur2(export="Broken-Export", files=1)
    s3.put_object(Bucket=BUCKET, Key=bad.data_keys[0], Body=b"not parquet at all")
    _, documents, lines = metrics_of(spec, moto, vendor, [s3_notification(BUCKET, d.manifest_key)
                                                          for d in (good, focus, bad)])
    assert emitted_metrics(documents) == declared("DeliveriesCompleted", "DeliveriesInvalid", "DeliveryFilesValidated",
                                                  "DeliveryBytesRead")
    told = sorted((doc["Kind"], name, doc[name]) for doc in documents
                  for name in ("DeliveriesCompleted", "DeliveriesInvalid") if name in doc)
    assert told == [("CUR2", "DeliveriesCompleted", 1), ("CUR2", "DeliveriesInvalid", 1),
                    ("FOCUS", "DeliveriesCompleted", 1)]
    work = [(doc["DeliveryFilesValidated"], doc["DeliveryBytesRead"]) for doc in documents
            if "DeliveryFilesValidated" in doc]
    assert work == [(line["files"], line["bytesRead"]) for line in lines if line.get("message") == "delivery checked"]
    assert [files for files, _ in work] == [2, 1, 1] and all(read > 0 for _, read in work)


def test_a_delivery_the_vendor_did_not_take_counts_its_work_only(spec, moto, build):
    refusing = Vendor(None, default=Answer(400, '{"error":"no"}'))
    try:
        d = build.cur2(files=1)
        [invocation], documents, _ = metrics_of(spec, moto, refusing, [s3_notification(BUCKET, d.manifest_key)])
    finally:
        refusing.stop()
    assert invocation.function_error, "Lambda retries it, then parks it"
    assert emitted_metrics(documents) == declared("DeliveryFilesValidated", "DeliveryBytesRead"), \
        "counted as completed once told, so Lambda's retries do not count it twice"

