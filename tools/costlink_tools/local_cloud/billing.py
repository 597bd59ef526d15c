"""AWS's billing services delivering data, locally: a BCM Data Export (CUR 2.0, carbon, FOCUS 1.0) writes its Parquet files and
then its manifest at the keys AWS uses (shared/reference/delivery-formats.md), with the columns of the export's own
QueryStatement (read back from the Data Exports emulator), and records the run as an execution of the export.

As the real services do, a delivery needs the bucket's policy to let the service write (an Allow of s3:PutObject on
the bucket's objects to bcm-data-exports.amazonaws.com); without it the run fails with INSUFFICIENT_PERMISSION and
nothing is written. The policy's conditions are not evaluated.
"""
from __future__ import annotations

import io
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from botocore.exceptions import ClientError

MAP_COLUMNS = {"product", "tags", "cost_category", "discount", "resource_tags"}
SERVICE = {"COST_AND_USAGE_REPORT": "bcm-data-exports.amazonaws.com",
           "CARBON_EMISSIONS": "bcm-data-exports.amazonaws.com", "FOCUS_1_0_AWS": "bcm-data-exports.amazonaws.com"}
# Each table's partition folder (FOCUS writes CUR 2.0's layout with the partition name in lower case).
PARTITIONS = {"COST_AND_USAGE_REPORT": "BILLING_PERIOD={period}",
              "CARBON_EMISSIONS": "carbon_model_version=v3.0.0/usage_period={period}",
              "FOCUS_1_0_AWS": "billing_period={period}"}


@dataclass
class Delivery:
    export_name: str
    table: str
    bucket: str
    manifest_key: str
    data_keys: list[str]
    execution_id: str
    rows: int
    truncated: list[str] = field(default_factory=list)


def column_type(table: str, name: str) -> str:
    if table == "CARBON_EMISSIONS":
        return "double" if name.endswith("_value") else "string"
    if table == "FOCUS_1_0_AWS":
        if name in ("Tags", "x_CostCategories", "x_Discounts"):
            return "map"
        if name.startswith(("BillingPeriod", "ChargePeriod")):
            return "timestamp"
        return "double" if name.endswith(("Cost", "Price", "Quantity")) else "string"
    if name in MAP_COLUMNS:
        return "map"
    if name.endswith("_date"):
        return "timestamp"
    if re.search(r"(cost|rate|amount|factor|units|quantity|fee|value|commitment|ratio|usage)(_|$)", name) \
            and not name.endswith(("_id", "_arn", "_type", "_code", "_unit")):
        return "double"
    return "string"


def parquet(table: str, columns: list[str], rows: int) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"map": pa.map_(pa.string(), pa.string()), "timestamp": pa.timestamp("ms", tz="UTC"),
             "double": pa.float64(), "string": pa.string()}
    samples = {"map": lambda i: [("k", f"v{i}")], "timestamp": lambda i: datetime(2026, 1, 1, tzinfo=timezone.utc),
               "double": lambda i: i * 0.25, "string": lambda i: f"s{i}"}
    arrays, fields = [], []
    for name in columns:
        kind = column_type(table, name)
        fields.append(pa.field(name, types[kind]))
        arrays.append(pa.array([samples[kind](i) for i in range(rows)], type=types[kind]))
    out = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), out, compression="snappy")
    return out.getvalue()


class DeliveryRefused(Exception):
    """The service could not write to the bucket (its policy does not let it)."""


class Billing:
    def __init__(self, cloud):
        self.cloud = cloud

    def export(self, account: str, name: str) -> dict:
        client = self.cloud.aws.client("bcm-data-exports", account)
        for ref in client.list_exports()["Exports"]:
            if ref["ExportName"] == name:
                return client.get_export(ExportArn=ref["ExportArn"])["Export"]
        raise KeyError(f"no export named {name}")

    def _may_write(self, s3, bucket: str, service: str) -> bool:
        try:
            policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
        except ClientError:
            return False
        for st in policy.get("Statement", []):
            principal = st.get("Principal", {})
            services = principal.get("Service", []) if isinstance(principal, dict) else []
            services = services if isinstance(services, list) else [services]
            actions = st.get("Action", [])
            actions = actions if isinstance(actions, list) else [actions]
            resources = st.get("Resource", [])
            resources = resources if isinstance(resources, list) else [resources]
            if st.get("Effect") == "Allow" and service in services and \
                    any(a in ("s3:PutObject", "s3:*") for a in actions) and \
                    any(r in (f"arn:aws:s3:::{bucket}/*", "*") for r in resources):
                return True
        return False

    def deliver(self, account: str, export_name: str, period: str, rows: int = 3, files: int = 1,
                truncate_file: int | None = None) -> Delivery:
        """One refresh of the export for `period` (YYYY-MM): data files, then the manifest. `truncate_file` (1-based)
        cuts that file short, as an interrupted write leaves it: no Parquet footer."""
        export = self.export(account, export_name)
        arn, name = export["ExportArn"], export["Name"]
        query = export["DataQuery"]["QueryStatement"]
        table = re.search(r"\bFROM\s+([A-Z0-9_]+)", query, re.IGNORECASE).group(1).upper()
        columns = [c.strip() for c in re.match(r"\s*SELECT\s+(.*?)\s+FROM\s", query, re.IGNORECASE | re.DOTALL)
                   .group(1).split(",")]
        dest = export["DestinationConfigurations"]["S3Destination"]
        bucket, prefix = dest["S3Bucket"], dest["S3Prefix"].strip("/")
        emulator = self.cloud.aws.exports
        s3 = self.cloud.aws.client("s3", account)
        execution_id = str(uuid.uuid4())
        if not self._may_write(s3, bucket, SERVICE[table]):
            emulator.add_execution(arn, status="DELIVERY_FAILURE", reason="INSUFFICIENT_PERMISSION",
                                   execution_id=execution_id)
            emulator.exports[arn].status, emulator.exports[arn].reason = "UNHEALTHY", "INSUFFICIENT_PERMISSION"
            raise DeliveryRefused(f"s3://{bucket} does not let {SERVICE[table]} write")
        partition = PARTITIONS[table].format(period=period)
        body = parquet(table, columns, rows)
        data_keys, truncated = [], []
        for i in range(1, files + 1):
            key = f"{prefix}/{name}/data/{partition}/{name}-{i:05d}.snappy.parquet"
            content = body
            if truncate_file == i:
                content = body[: len(body) // 2]
                truncated.append(key)
            s3.put_object(Bucket=bucket, Key=key, Body=content)
            data_keys.append(key)
        manifest = {"executionId": execution_id, "exportArn": arn,
                    "columns": [{"name": c, "type": column_type(table, c)} for c in columns],
                    "dataFiles": [f"s3://{bucket}/{k}" for k in data_keys], "additionalOutputFiles": []}
        manifest_key = f"{prefix}/{name}/metadata/{partition}/{name}-Manifest.json"
        s3.put_object(Bucket=bucket, Key=manifest_key, Body=json.dumps(manifest).encode())
        emulator.add_execution(arn, status="DELIVERY_SUCCESS", execution_id=execution_id)
        emulator.exports[arn].refreshed = datetime.now(timezone.utc)
        return Delivery(name, table, bucket, manifest_key, data_keys, execution_id, rows * files, truncated)
