"""Cold start of a CostLink function against a hello-world Java handler, both run the same way in this one script:
a fresh Runtime Interface Emulator + Java runtime interface client process per sample (init + first invocation),
rounds alternating so that machine noise hits both. Reports medians, the ratio and the deployment sizes.

usage: python bench/cold_start.py [--rounds N] [--function ConnectionCallbackFunction]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner  # noqa: E402
from costlink_tools.moto_server import MotoServer  # noqa: E402
from costlink_tools.stand_in_vendor import Vendor  # noqa: E402

HELLO_DIR = ROOT / "bench" / "hello-function" / "target"


def hello_runner() -> LambdaRunner:
    spec = FunctionSpec("HelloFunction", "dev.costlink.bench.HelloHandler::handleRequest", 30, 512, {})
    lib = HELLO_DIR / "lambda" / "lib"
    jar = next(HELLO_DIR.glob("hello-function-*.jar"))
    from costlink_tools.lambda_runner import RIC_DIR
    return LambdaRunner(spec, code_dir=HELLO_DIR / "lambda", classpath=[str(jar), str(lib / "*"), str(RIC_DIR / "*")])


def cold_start(make_runner, make_event) -> float:
    runner = make_runner()
    with runner:
        invocation = runner.invoke(make_event())
        elapsed = time.monotonic() - runner.started_at
    if invocation.function_error:
        raise RuntimeError(invocation.payload)
    return elapsed


def zipped_size(paths: list[Path]) -> int:
    with tempfile.NamedTemporaryFile(suffix=".zip") as tmp:
        with zipfile.ZipFile(tmp.name, "w", zipfile.ZIP_DEFLATED) as z:
            for p in paths:
                z.write(p, f"lib/{p.name}")
        return Path(tmp.name).stat().st_size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--function", default="ConnectionCallbackFunction")
    args = ap.parse_args()
    spec = FunctionSpec.from_template(args.function)
    build = ROOT / ".aws-sam" / "build" / args.function / "lib"

    with MotoServer() as moto:
        s3 = moto.client("s3")
        s3.create_bucket(Bucket="cfn-responses")
        base = json.loads((ROOT / "events" / "connection-create.json").read_text())
        vendor = Vendor(base["ResourceProperties"]["ExternalId"])

        def callback_event():
            e = json.loads(json.dumps(base))
            e["ResponseURL"] = s3.generate_presigned_url(
                "put_object", Params={"Bucket": "cfn-responses", "Key": f"r/{uuid.uuid4()}"}, ExpiresIn=600)
            e["ResourceProperties"]["CallbackUrl"] = vendor.url
            return e

        samples = {"hello": [], args.function: []}
        try:
            for _ in range(args.rounds):
                samples["hello"].append(cold_start(hello_runner, lambda: {"hello": 1}))
                samples[args.function].append(cold_start(
                    lambda: LambdaRunner(spec, env={"AWS_ENDPOINT_URL": moto.endpoint}), callback_event))
        finally:
            vendor.stop()

    hello_med = statistics.median(samples["hello"])
    fn_med = statistics.median(samples[args.function])
    fn_jars = sorted(build.glob("*.jar"))
    hello_jars = [next(HELLO_DIR.glob("hello-function-*.jar")), *sorted((HELLO_DIR / "lambda" / "lib").glob("*.jar"))]
    result = {
        "rounds": args.rounds,
        "hello_median_ms": round(hello_med * 1000),
        f"{args.function}_median_ms": round(fn_med * 1000),
        "ratio": round(fn_med / hello_med, 2),
        "hello_samples_ms": [round(s * 1000) for s in samples["hello"]],
        f"{args.function}_samples_ms": [round(s * 1000) for s in samples[args.function]],
        "function_zip_bytes": zipped_size(fn_jars),
        "function_own_jar_bytes": sum(p.stat().st_size for p in fn_jars if p.name.startswith(("connection-", "delivery-",
                                                                                                 "costlink-"))),
        "hello_zip_bytes": zipped_size(hello_jars),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
