"""Builds deliveries in S3 exactly as AWS lays them out (shared/reference/delivery-formats.md), with Parquet files
written by an independent writer (pyarrow), using the real CUR 2.0 columns of the onboarding guide's query and the
carbon columns."""
from __future__ import annotations

import gzip
import io
import json
import re
import struct
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
# CUR 1.0 columns as its manifests document them ({category, name}), as a real report with resource IDs, tags and
# cost categories holds them: about 180, the width Athena's CUR 1.0 tables have. Written from the CUR 1.0 data
# dictionary; product attributes vary with the services used.
_CUR1_DICTIONARY = {
    "identity": "LineItemId TimeInterval",
    "bill": "InvoiceId InvoicingEntity BillingEntity BillType PayerAccountId BillingPeriodStartDate BillingPeriodEndDate",
    "lineItem": "UsageAccountId LineItemType UsageStartDate UsageEndDate ProductCode UsageType Operation "
                "AvailabilityZone ResourceId UsageAmount NormalizationFactor NormalizedUsageAmount CurrencyCode "
                "UnblendedRate UnblendedCost BlendedRate BlendedCost LineItemDescription TaxType LegalEntity "
                "NetUnblendedRate NetUnblendedCost",
    "product": "ProductName accountAssistance alarmType architecture availability availabilityZone capacitystatus "
               "category ciType classicnetworkingsupport clockSpeed currentGeneration databaseEngine "
               "dedicatedEbsThroughput deploymentOption description durability ecu engineCode "
               "enhancedNetworkingSupported eventType feeCode feeDescription fromLocation fromLocationType "
               "fromRegionCode gpuMemory group groupDescription instanceFamily instanceType instanceTypeFamily "
               "intelAvx2Available intelAvxAvailable intelTurboAvailable licenseModel location locationType "
               "logsDestination marketoption maxIopsBurstPerformance maxIopsvolume maxThroughputvolume maxVolumeSize "
               "memory memoryGib messageDeliveryFrequency messageDeliveryOrder minVolumeSize networkPerformance "
               "normalizationSizeFactor operatingSystem operation physicalProcessor preInstalledSw "
               "processorArchitecture processorFeatures productFamily queueType region regionCode requestDescription "
               "requestType resourceEndpoint routingTarget routingType servicecode servicename sku storage "
               "storageClass storageMedia storageType tenancy toLocation toLocationType toRegionCode transferType "
               "usagetype vcpu version volumeApiName volumeType vpcnetworkingsupport gpu instanceName edition "
               "freeQueryTypes cacheEngine",
    "pricing": "LeaseContractLength OfferingClass PurchaseOption RateCode RateId currency publicOnDemandCost "
               "publicOnDemandRate term unit",
    "reservation": "AmortizedUpfrontCostForUsage AmortizedUpfrontFeeForBillingPeriod AvailabilityZone EffectiveCost "
                   "EndTime ModificationStatus NetAmortizedUpfrontCostForUsage NetAmortizedUpfrontFeeForBillingPeriod "
                   "NetEffectiveCost NetRecurringFeeForUsage NetUnusedAmortizedUpfrontFeeForBillingPeriod "
                   "NetUnusedRecurringFee NetUpfrontValue NormalizedUnitsPerReservation NumberOfReservations "
                   "RecurringFeeForUsage ReservationARN StartTime SubscriptionId TotalReservedNormalizedUnits "
                   "TotalReservedUnits UnitsPerReservation UnusedAmortizedUpfrontFeeForBillingPeriod "
                   "UnusedNormalizedUnitQuantity UnusedQuantity UnusedRecurringFee UpfrontValue",
    "savingsPlan": "TotalCommitmentToDate SavingsPlanARN SavingsPlanRate UsedCommitment SavingsPlanEffectiveCost "
                   "AmortizedUpfrontCommitmentForBillingPeriod RecurringCommitmentForBillingPeriod StartTime EndTime "
                   "OfferingType PaymentOption PurchaseTerm Region NetSavingsPlanEffectiveCost "
                   "NetAmortizedUpfrontCommitmentForBillingPeriod NetRecurringCommitmentForBillingPeriod "
                   "InstanceTypeFamily",
    "discount": "TotalDiscount BundledDiscount",
}
CUR1_COLUMNS = [(category, name) for category, names in _CUR1_DICTIONARY.items() for name in names.split()] + [
    ("resourceTags", "user:Name"), ("resourceTags", "user:Team"), ("resourceTags", "user:cost-center"),
    ("resourceTags", "aws:createdBy"), ("resourceTags", "user:Environment"),
    ("costCategory", "Business Unit"), ("costCategory", "Team")]
MAP_COLUMNS = {"product", "tags", "cost_category", "discount"}
# FOCUS 1.0 with AWS columns (Data Exports table FOCUS_1_0_AWS): the 43 FOCUS 1.0 columns and AWS's five x_ columns,
# spelled as the table dictionary spells them.
FOCUS_COLUMNS = ("AvailabilityZone BilledCost BillingAccountId BillingAccountName BillingCurrency BillingPeriodEnd "
                 "BillingPeriodStart ChargeCategory ChargeClass ChargeDescription ChargeFrequency ChargePeriodEnd "
                 "ChargePeriodStart CommitmentDiscountCategory CommitmentDiscountId CommitmentDiscountName "
                 "CommitmentDiscountStatus CommitmentDiscountType ConsumedQuantity ConsumedUnit ContractedCost "
                 "ContractedUnitPrice EffectiveCost InvoiceIssuerName ListCost ListUnitPrice PricingCategory "
                 "PricingQuantity PricingUnit ProviderName PublisherName RegionId RegionName ResourceId ResourceName "
                 "ResourceType ServiceCategory ServiceName SkuId SkuPriceId SubAccountId SubAccountName Tags "
                 "x_CostCategories x_Discounts x_Operation x_ServiceCode x_UsageType").split()


def focus_type(name: str) -> tuple[str, pa.DataType]:
    if name in ("Tags", "x_CostCategories", "x_Discounts"):
        return "map", pa.map_(pa.string(), pa.string())
    if name.startswith(("BillingPeriod", "ChargePeriod")):
        return "timestamp", pa.timestamp("ms", tz="UTC")
    if name.endswith(("Cost", "Price", "Quantity")):
        return "double", pa.float64()
    return "string", pa.string()


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


def parquet_bytes(columns: list[str], rows: int, typer=cur2_type, pad_to: int = 0,
                  row_group_size: int | None = None) -> bytes:
    """A Parquet file with these columns and rows. With pad_to, one string column carries incompressible text so the
    file reaches about that size (a realistic data file) while its footer stays as small as a real one. A small
    row_group_size makes many row groups, hence a footer larger than the detector's first 64 KiB read."""
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
                   compression="none" if pad_to else "snappy", row_group_size=row_group_size)
    return out.getvalue()


def carbon_type(name: str):
    if name.endswith("_value"):
        return "double", pa.float64()
    return "string", pa.string()


def cur1_type(name: str):
    if name.endswith(("_start_date", "_end_date")):
        return "timestamp", pa.timestamp("ms", tz="UTC")
    if re.search(r"(cost|rate|amount|fee|units|quantity|factor|commitment|value|discount)$", name):
        return "double", pa.float64()
    return "string", pa.string()


def cur1_parquet_name(category: str, name: str) -> str:
    """A CUR 1.0 column as Athena and CUR 1.0 Parquet spell it (CUR user guide, column names for Athena): an
    underscore before each uppercase letter, lowercase, other characters to underscores, no repeated, leading or
    trailing underscore. savingsPlan/SavingsPlanARN becomes savings_plan_savings_plan_a_r_n."""
    spaced = re.sub(r"([A-Z])", r"_\1", f"{category}/{name}").lower()
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]", "_", spaced)).strip("_")


def athena_parquet_bytes(columns: list[str], rows: int, typer=cur1_type) -> bytes:
    """A Parquet file shaped like the ones Athena's and CUR 1.0's parquet-mr writer produce: INT96 timestamps, no
    Arrow schema in the key-value metadata, the root schema element named hive_schema and created_by parquet-mr.
    pyarrow cannot name the root element nor set created_by, so both strings are rewritten in the Thrift footer (the
    footer is last in the file: no offset moves) and the result is read back to prove it is sound."""
    arrays, fields = [], []
    for name in columns:
        kind, dtype = typer(name)
        fields.append(pa.field(name, dtype))
        arrays.append(pa.array([sample_value(kind, i) for i in range(rows)], type=dtype))
    out = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), out, compression="snappy",
                   use_deprecated_int96_timestamps=True, flavor="spark", store_schema=False)
    body = out.getvalue()
    footer_length = struct.unpack("<I", body[-8:-4])[0]
    start = len(body) - 8 - footer_length
    footer = body[start:-8]
    footer = _replace_thrift_string(footer, b"schema", b"hive_schema", field_header=b"\x18")
    created_by = re.search(rb"parquet-cpp-arrow version [0-9.]+", footer).group(0)
    footer = _replace_thrift_string(footer, created_by, b"parquet-mr version 1.8.1 (build 4aba4dae7bb0d4edbcf7923ae1339f28fd3f7fcf)")
    patched = body[:start] + footer + struct.pack("<I", len(footer)) + b"PAR1"
    check = pq.ParquetFile(io.BytesIO(patched))
    assert "required group field_id=-1 hive_schema {" in str(check.schema).splitlines()[:2]
    assert check.metadata.created_by.startswith("parquet-mr") and check.metadata.num_rows == rows
    assert all(check.schema.column(i).physical_type == "INT96" for i, c in enumerate(columns)
               if typer(c)[0] == "timestamp")
    return patched


def _replace_thrift_string(footer: bytes, old: bytes, new: bytes, field_header: bytes = b"") -> bytes:
    """Replaces the first Thrift compact string `old` (its one-byte length prefix included) by `new`."""
    assert len(old) < 128 and len(new) < 128
    needle = field_header + bytes([len(old)]) + old
    at = footer.index(needle)
    return footer[:at] + field_header + bytes([len(new)]) + new + footer[at + len(needle):]


def gzip_csv(header: list[str], rows: int, noise: int = 0) -> bytes:
    """A GZIP-compressed CSV as the billing services write text: a header line, then the records. With noise, each
    record carries that many random hex characters (incompressible: a realistic compressed size)."""
    import csv
    import os
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for i in range(rows):
        writer.writerow([f"v{i}" for _ in header[:-1]] + [os.urandom(noise // 2).hex() if noise else "0.25"])
    return gzip.compress(text.getvalue().encode(), mtime=0)


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
             create_new=False, columns=None, write=True, pad_to=0, row_group_size=None) -> Delivery:
        execution = str(uuid.uuid4())
        run = f"2026-06-01T23:48:02.356Z-{execution}/" if create_new else ""
        data_keys = [f"{prefix}/{export}/data/BILLING_PERIOD={period}/{run}{export}-{i:05d}.snappy.parquet"
                     for i in range(1, files + 1)]
        cols = columns or CUR2_COLUMNS
        body = parquet_bytes(cols, rows, pad_to=pad_to, row_group_size=row_group_size)
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

    def focus(self, export="CostLink-FOCUS-Export", period="2026-05", prefix="reports/focus", files=2, rows=3,
              partition="billing_period") -> Delivery:
        """A FOCUS 1.0 export of Data Exports: CUR 2.0's layout, its billing-period partition in lower case."""
        execution = str(uuid.uuid4())
        data_keys = [f"{prefix}/{export}/data/{partition}={period}/{export}-{i:05d}.snappy.parquet"
                     for i in range(1, files + 1)]
        body = parquet_bytes(FOCUS_COLUMNS, rows, typer=focus_type)
        for key in data_keys:
            self.put(key, body)
        manifest = {"executionId": execution,
                    "exportArn": f"arn:aws:bcm-data-exports:us-east-1:111122223333:export/{export}-2a7c9e41",
                    "columns": [{"name": c, "type": focus_type(c)[0]} for c in FOCUS_COLUMNS],
                    "dataFiles": [f"s3://{self.bucket}/{k}" for k in data_keys], "additionalOutputFiles": []}
        manifest_key = f"{prefix}/{export}/metadata/{partition}={period}/{export}-Manifest.json"
        self.put(manifest_key, json.dumps(manifest).encode())
        return Delivery("FOCUS", self.bucket, manifest_key, data_keys, manifest, total_bytes=len(body) * files,
                        total_rows=rows * files)

    def carbon(self, export="CostLink-Carbon-Export", period="2026-04", spelling="carbon_model_version",
               prefix="reports/carbon-footprint", rows=4, text=False, noise=0) -> Delivery:
        """A carbon export, in Parquet or (text=True) as Data Exports writes text: CSV, GZIP, `.csv.gz` files."""
        part = f"{spelling}=v3.0.0/usage_period={period}"
        suffix = "csv.gz" if text else "snappy.parquet"
        data_keys = [f"{prefix}/{export}/data/{part}/{export}-00001.{suffix}"]
        body = gzip_csv(CARBON_COLUMNS, rows, noise=noise) if text else \
            parquet_bytes(CARBON_COLUMNS, rows, typer=carbon_type)
        self.put(data_keys[0], body)
        manifest = {"executionId": str(uuid.uuid4()),
                    "exportArn": f"arn:aws:bcm-data-exports:us-east-1:111122223333:export/{export}-0c8e7f6a",
                    "columns": [{"name": c, "type": carbon_type(c)[0]} for c in CARBON_COLUMNS],
                    "dataFiles": [f"s3://{self.bucket}/{k}" for k in data_keys]}
        manifest_key = f"{prefix}/{export}/metadata/{part}/{export}-Manifest.json"
        self.put(manifest_key, json.dumps(manifest).encode())
        return Delivery("CARBON", self.bucket, manifest_key, data_keys, manifest, total_bytes=len(body),
                        total_rows=rows)

    def cur1_text(self, report="CostLink-CUR-Export", prefix="reports/cur1", files=2, rows=5, noise=0) -> Delivery:
        """A legacy text CUR 1.0 report: text/csv + GZIP, `<report>-<n>.csv.gz` in the assembly's folder, the CSV
        header in AWS's category/name spelling, and a manifest both in the date-range folder and in the assembly's."""
        assembly = str(uuid.uuid4())
        folder = f"{prefix}/{report}/20260501-20260601"
        data_keys = [f"{folder}/{assembly}/{report}-{i}.csv.gz" for i in range(1, files + 1)]
        header = [f"{c}/{n}" for c, n in CUR1_COLUMNS]
        total = 0
        for key in data_keys:
            body = gzip_csv(header, rows, noise=noise)
            self.put(key, body)
            total += len(body)
        manifest = {"assemblyId": assembly, "account": "111122223333",
                    "columns": [{"category": c, "name": n, "type": "OptionalString"} for c, n in CUR1_COLUMNS],
                    "charset": "UTF-8", "compression": "GZIP", "contentType": "text/csv",
                    "reportId": "abc", "reportName": report,
                    "billingPeriod": {"start": "20260501T000000.000Z", "end": "20260601T000000.000Z"},
                    "bucket": self.bucket, "reportKeys": data_keys, "additionalArtifactKeys": []}
        manifest_key = f"{folder}/{report}-Manifest.json"
        self.put(manifest_key, json.dumps(manifest).encode())
        d = Delivery("CUR1", self.bucket, manifest_key, data_keys, manifest, total_bytes=total, total_rows=files * rows)
        d.second_manifest_key = f"{folder}/{assembly}/{report}-Manifest.json"
        self.put(d.second_manifest_key, json.dumps(manifest).encode())
        return d

    def cur1(self, report="CostLink-CUR-Export", in_month_folder=False, prefix="reports/cur1", rows=5,
             column_names="documented") -> Delivery:
        """A Parquet CUR 1.0 delivery. column_names: "documented" lists manifest columns as AWS documents them
        ({"category": "lineItem", "name": "UsageAccountId"}), "physical" with the name as the file spells it
        ({"category": "lineItem", "name": "line_item_usage_account_id"}); real manifests have been seen in both."""
        data_keys = [f"{prefix}/{report}/{report}/year=2026/month=5/{report}-00001.snappy.parquet"]
        names = [cur1_parquet_name(c, n) for c, n in CUR1_COLUMNS]
        body = athena_parquet_bytes(names, rows)
        self.put(data_keys[0], body)
        listed = [{"category": c, "name": n if column_names == "documented" else cur1_parquet_name(c, n),
                   "type": "OptionalString"} for c, n in CUR1_COLUMNS]
        manifest = {"assemblyId": str(uuid.uuid4()), "account": "111122223333", "columns": listed,
                    "charset": "UTF-8", "compression": "Parquet", "contentType": "Parquet",
                    "reportId": "abc", "reportName": report,
                    "billingPeriod": {"start": "20260501T000000.000Z", "end": "20260601T000000.000Z"},
                    "bucket": self.bucket, "reportKeys": data_keys, "additionalArtifactKeys": []}
        manifest_key = (f"{prefix}/{report}/{report}/year=2026/month=5/{report}-Manifest.json" if in_month_folder
                        else f"{prefix}/{report}/20260501-20260601/{report}-Manifest.json")
        self.put(manifest_key, json.dumps(manifest).encode())
        return Delivery("CUR1", self.bucket, manifest_key, data_keys, manifest, total_bytes=len(body),
                        total_rows=rows)


class OverwritingProxy:
    """Stands between the detector and moto's S3 and forwards every request; right after moto has answered the first
    tail read (Range: bytes=-N) of `key`, and before that answer goes back, writes `replacement` over the key, as the
    next refresh of an overwrite-mode export would between the detector's two footer reads. `statuses` records
    (method, Range, If-Match, status) of each request for that key."""

    def __init__(self, moto_endpoint: str, s3, bucket: str, key: str, replacement: bytes):
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import unquote, urlsplit

        proxy = self
        self.statuses: list[tuple] = []
        self.overwritten = False
        target = urlsplit(moto_endpoint).netloc

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                connection = http.client.HTTPConnection(target, timeout=30)
                connection.request(self.command, self.path, body=body, headers=dict(self.headers))
                answer = connection.getresponse()
                payload = answer.read()
                connection.close()
                watched = unquote(urlsplit(self.path).path) == f"/{bucket}/{key}"
                if watched:
                    proxy.statuses.append((self.command, self.headers.get("Range"), self.headers.get("If-Match"),
                                           answer.status))
                    if (self.command == "GET" and not proxy.overwritten
                            and (self.headers.get("Range") or "").startswith("bytes=-")):
                        s3.put_object(Bucket=bucket, Key=key, Body=replacement)
                        proxy.overwritten = True
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


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
