"""Bytes read and wall time of the delivery detector against a naive validator that downloads every data file, side
by side in one script against the same local S3 (moto), for one CUR 2.0 delivery of N data files of a realistic size
(the guide's CUR 2.0 columns, incompressible content). Also the detector's cold start against a hello-world handler.

usage: python bench/delivery_reads.py [--files 1000] [--file-mib 1] [--concurrency 16]
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import struct
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

import pyarrow.parquet as pq  # noqa: E402

from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner  # noqa: E402
from costlink_tools.moto_server import MotoServer  # noqa: E402
from costlink_tools.stand_in_vendor import Vendor  # noqa: E402
from support.deliveries import CUR2_COLUMNS, cur2_type, parquet_bytes, s3_notification  # noqa: E402
from cold_start import cold_start, hello_runner  # noqa: E402

BUCKET = "acme-costlink-cur"
EXPORT = "CostLink-CUR-Export"
ENV = json.loads((ROOT / "events" / "env.json").read_text())["DeliveryDetectorFunction"]


def build_delivery(s3, files: int, file_bytes: int, tag: str):
    body = parquet_bytes(CUR2_COLUMNS, 200, pad_to=file_bytes)
    footer = struct.unpack("<I", body[-8:-4])[0] + 8
    keys = [f"reports/cur2/{EXPORT}/data/BILLING_PERIOD=2026-05/{tag}/{EXPORT}-{i:05d}.snappy.parquet"
            for i in range(1, files + 1)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=BUCKET, Key=k, Body=body), keys))
    manifest = {"executionId": tag, "exportArn": "arn:aws:bcm-data-exports:us-east-1:111122223333:export/x",
                "columns": [{"name": c, "type": cur2_type(c)[0]} for c in CUR2_COLUMNS],
                "dataFiles": [f"s3://{BUCKET}/{k}" for k in keys]}
    manifest_key = f"reports/cur2/{EXPORT}/metadata/BILLING_PERIOD=2026-05/{tag}/{EXPORT}-Manifest.json"
    s3.put_object(Bucket=BUCKET, Key=manifest_key, Body=json.dumps(manifest).encode())
    return manifest_key, keys, len(body), footer


def naive_validate(s3, manifest_key: str, concurrency: int):
    """Downloads the manifest and every data file whole, then reads each footer from the downloaded bytes."""
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key=manifest_key)["Body"].read())
    expected = {c["name"] for c in manifest["columns"]}

    def check(uri):
        key = uri.split("/", 3)[3]
        data = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        names = {meta.schema.column(i).path.split(".")[0] for i in range(meta.num_columns)}
        return len(data), meta.num_rows, names == expected

    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(check, manifest["dataFiles"]))
    return sum(r[0] for r in results), sum(r[1] for r in results), all(r[2] for r in results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--file-mib", type=float, default=1.0)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--cold-rounds", type=int, default=7)
    args = ap.parse_args()
    spec = FunctionSpec.from_template("DeliveryDetectorFunction")
    file_bytes = int(args.file_mib * 1024 * 1024)
    out = {}
    with MotoServer() as moto:
        s3 = moto.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        vendor = Vendor(ENV["COSTLINK_EXTERNAL_ID"])
        try:
            env = {**ENV, "COSTLINK_CALLBACK_URL": vendor.url, "AWS_ENDPOINT_URL": moto.endpoint,
                   "COSTLINK_MAX_CONCURRENCY": str(args.concurrency)}
            t0 = time.monotonic()
            manifest_key, keys, size, footer = build_delivery(s3, args.files, file_bytes, "big")
            out["setup_seconds"] = round(time.monotonic() - t0, 1)
            small_key, *_ = build_delivery(s3, 2, 64 * 1024, "warmup")

            with LambdaRunner(spec, env=env) as runner:
                runner.invoke(s3_notification(BUCKET, small_key))      # the cold start, not measured here
                t0 = time.monotonic()
                invocation = runner.invoke(s3_notification(BUCKET, manifest_key))
                detector_seconds = time.monotonic() - t0
                checked = [l for l in runner.json_logs() if l.get("message") == "delivery checked"][-1]
            assert not invocation.function_error, invocation.payload
            assert checked["problems"] == 0 and checked["files"] == args.files, checked

            t0 = time.monotonic()
            naive_bytes, naive_rows, naive_ok = naive_validate(s3, manifest_key, args.concurrency)
            naive_seconds = time.monotonic() - t0
            assert naive_ok and naive_rows == checked["rows"]

            manifest_bytes = len(s3.get_object(Bucket=BUCKET, Key=manifest_key)["Body"].read())
            out.update({
                "files": args.files, "file_bytes": size, "delivery_bytes": size * args.files,
                "footer_floor_bytes": footer * args.files,
                "detector_bytes_read": checked["bytesRead"],
                "detector_bytes_read_without_manifest": checked["bytesRead"] - manifest_bytes,
                "naive_bytes_read": naive_bytes + manifest_bytes,
                "detector_vs_delivery": round(checked["bytesRead"] / (size * args.files), 5),
                "detector_vs_floor": round((checked["bytesRead"] - manifest_bytes) / (footer * args.files), 2),
                "detector_seconds": round(detector_seconds, 2),
                "naive_seconds": round(naive_seconds, 2),
                "speedup": round(naive_seconds / detector_seconds, 1),
                "concurrency": args.concurrency,
            })

            def detector_event():
                return s3_notification(BUCKET, small_key)
            hello, det = [], []
            for _ in range(args.cold_rounds):
                hello.append(cold_start(hello_runner, lambda: {"hello": 1}))
                det.append(cold_start(lambda: LambdaRunner(spec, env=env), detector_event))
            out["cold_start_hello_median_ms"] = round(statistics.median(hello) * 1000)
            out["cold_start_detector_median_ms"] = round(statistics.median(det) * 1000)
            out["cold_start_ratio"] = round(statistics.median(det) / statistics.median(hello), 2)
        finally:
            vendor.stop()
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
