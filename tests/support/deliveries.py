"""Builds deliveries in S3 exactly as AWS lays them out (shared/reference/delivery-formats.md), with Parquet files
written by an independent writer (pyarrow), using the real CUR 2.0 columns of the onboarding guide's query and the
carbon columns."""
from __future__ import annotations

import io
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import SHARED

_QUERIES = re.findall(r'"QueryStatement": "SELECT ([^"]+) FROM', (SHARED / "reference" / "seeds" /
                                                                   "000_043a90a6bea9ec0d.txt").read_text())
CUR2_COLUMNS = [c.strip() for c in _QUERIES[0].split(",")]
CARBON_COLUMNS = [c.strip() for c in _QUERIES[1].split(",")]
CUR1_COLUMNS = [("identity", "LineItemId"), ("identity", "TimeInterval"), ("bill", "BillingPeriodStartDate"),
                ("lineItem", "UsageAccountId"), ("lineItem", "UsageStartDate"), ("lineItem", "ProductCode"),
                ("lineItem", "UnblendedCost"), ("product", "ProductName"), ("resourceTags", "user:Team")]
MAP_COLUMNS = {"product", "tags", "cost_category", "discount"}


def cur2_type(name: str) -> tuple[str, pa.DataType]:
    if name in MAP_COLUMNS:
        return "map", pa.map_(pa.string(), pa.string())
    if name.endswith("_date"):
        return "timestamp", pa.timestamp("ms", tz="UTC")
    if re.search(r"(cost|rate|amount|factor|units|quantity|fee|value|commitment|ratio|usage)(_|$)", name) \
            and not name.endswith(("_id", "_arn", "_type", "_code", "_unit")):
        return "double", pa.float64()
    return "string", pa.string()


def sample_value(kind: str, i: int):
    return {"map": [("k", f"v{i}")], "timestamp": datetime(2026, 5, 1, tzinfo=timezone.utc),
            "double": float(i) * 0.25, "string": f"s{i}"}[kind]


def parquet_bytes(columns: list[str], rows: int, typer=cur2_type, pad_to: int = 0) -> bytes:
    """A Parquet file with these columns and rows. With pad_to, one string column carries incompressible text so the
    file reaches about that size (a realistic data file) while its footer stays as small as a real one."""
    import os
    arrays, fields = [], []
    padded = False
    for name in columns:
        kind, dtype = typer(name)
        fields.append(pa.field(name, dtype))
        if pad_to and kind == "string" and not padded and rows:
            padded = True
            arrays.append(pa.array([os.urandom(pad_to // rows // 2).hex() for _ in range(rows)], type=dtype))
        else:
            arrays.append(pa.array([sample_value(kind, i) for i in range(rows)], type=dtype))
    out = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), out,
                   compression="none" if pad_to else "snappy")
    return out.getvalue()


def carbon_type(name: str):
    if name.endswith("_value"):
        return "double", pa.float64()
    return "string", pa.string()


def cur1_type(name: str):
    if name.endswith("cost"):
        return "double", pa.float64()
    return "string", pa.string()


def cur1_parquet_name(category: str, name: str) -> str:
    snake = lambda s: re.sub(r"(?<!^)(?=[A-Z])", "_", s.replace(":", "_")).lower()
    return f"{snake(category)}_{snake(name)}"


@dataclass
class Delivery:
    kind: str
    bucket: str
    manifest_key: str
    data_keys: list[str]
    manifest: dict
    event_id_hint: str = ""
    total_bytes: int = 0
    total_rows: int = 0


class Builder:
    def __init__(self, s3, bucket: str):
        self.s3 = s3
        self.bucket = bucket

    def put(self, key: str, body: bytes):
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def cur2(self, export="CostLink-CUR-Export", period="2026-05", files=2, rows=3, prefix="reports/cur2",
             create_new=False, columns=None, write=True, pad_to=0) -> Delivery:
        execution = str(uuid.uuid4())
        run = f"2026-06-01T23:48:02.356Z-{execution}/" if create_new else ""
        data_keys = [f"{prefix}/{export}/data/BILLING_PERIOD={period}/{run}{export}-{i:05d}.snappy.parquet"
                     for i in range(1, files + 1)]
        cols = columns or CUR2_COLUMNS
        body = parquet_bytes(cols, rows, pad_to=pad_to)
        total = 0
        for key in data_keys:
            if write:
                self.put(key, body)
            total += len(body)
        manifest = {
            "executionId": execution,
            "exportArn": f"arn:aws:bcm-data-exports:us-east-1:111122223333:export/{export}-6f1d2b9e",
            "columns": [{"name": c, "type": cur2_type(c)[0]} for c in CUR2_COLUMNS],
            "dataFiles": [f"s3://{self.bucket}/{k}" for k in data_keys],
            "additionalOutputFiles": [],
        }
        manifest_key = f"{prefix}/{export}/metadata/BILLING_PERIOD={period}/{run}{export}-Manifest.json"
        d = Delivery("CUR2", self.bucket, manifest_key, data_keys, manifest, total_bytes=total,
                     total_rows=files * rows)
        self.put(manifest_key, json.dumps(manifest).encode())
        if create_new:
            d.second_manifest_key = f"{prefix}/{export}/metadata/BILLING_PERIOD={period}/{export}-Manifest.json"
            self.put(d.second_manifest_key, json.dumps(manifest).encode())
        return d

    def carbon(self, export="CostLink-Carbon-Export", period="2026-04", spelling="carbon_model_version",
               prefix="reports/carbon-footprint", rows=4) -> Delivery:
        part = f"{spelling}=v3.0.0/usage_period={period}"
        data_keys = [f"{prefix}/{export}/data/{part}/{export}-00001.snappy.parquet"]
        body = parquet_bytes(CARBON_COLUMNS, rows, typer=carbon_type)
        self.put(data_keys[0], body)
        manifest = {"executionId": str(uuid.uuid4()),
                    "exportArn": f"arn:aws:bcm-data-exports:us-east-1:111122223333:export/{export}-0c8e7f6a",
                    "columns": [{"name": c, "type": carbon_type(c)[0]} for c in CARBON_COLUMNS],
                    "dataFiles": [f"s3://{self.bucket}/{k}" for k in data_keys]}
        manifest_key = f"{prefix}/{export}/metadata/{part}/{export}-Manifest.json"
        self.put(manifest_key, json.dumps(manifest).encode())
        return Delivery("CARBON", self.bucket, manifest_key, data_keys, manifest, total_bytes=len(body),
                        total_rows=rows)

    def cur1(self, report="CostLink-CUR-Export", in_month_folder=False, prefix="reports/cur1", rows=5) -> Delivery:
        data_keys = [f"{prefix}/{report}/{report}/year=2026/month=5/{report}-00001.snappy.parquet"]
        names = [cur1_parquet_name(c, n) for c, n in CUR1_COLUMNS]
        body = parquet_bytes(names, rows, typer=cur1_type)
        self.put(data_keys[0], body)
        manifest = {"assemblyId": str(uuid.uuid4()), "account": "111122223333",
                    "columns": [{"category": c, "name": n, "type": "String"} for c, n in CUR1_COLUMNS],
                    "charset": "UTF-8", "compression": "Parquet", "contentType": "Parquet",
                    "reportId": "abc", "reportName": report,
                    "billingPeriod": {"start": "20260501T000000.000Z", "end": "20260601T000000.000Z"},
                    "bucket": self.bucket, "reportKeys": data_keys, "additionalArtifactKeys": []}
        manifest_key = (f"{prefix}/{report}/{report}/year=2026/month=5/{report}-Manifest.json" if in_month_folder
                        else f"{prefix}/{report}/20260501-20260601/{report}-Manifest.json")
        self.put(manifest_key, json.dumps(manifest).encode())
        return Delivery("CUR1", self.bucket, manifest_key, data_keys, manifest, total_bytes=len(body),
                        total_rows=rows)


def s3_notification(bucket: str, key: str) -> dict:
    """A native S3 notification as Lambda receives it: the key URL-encoded, a space as '+'."""
    from urllib.parse import quote_plus
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-06-02T00:00:01.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "costlink-manifests",
               "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": quote_plus(key, safe="/"), "size": 1234, "eTag": "0123456789abcdef",
                          "sequencer": "0062E99A88DC407460"}}}]}


def eventbridge_event(bucket: str, key: str) -> dict:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Object Created", "source": "aws.s3",
            "account": "111122223333", "time": "2026-06-02T00:00:01Z", "region": "us-east-1",
            "resources": [f"arn:aws:s3:::{bucket}"],
            "detail": {"version": "0", "bucket": {"name": bucket},
                       "object": {"key": key, "size": 1234, "etag": "0123456789abcdef", "sequencer": "0062E99A88DC"},
                       "request-id": "N4N7GDK58NMKJ12R", "requester": "bcm-data-exports.amazonaws.com",
                       "reason": "PutObject"}}
