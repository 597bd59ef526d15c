"""Connections verified per second by the verifier worker against the local emulator (moto with IAM auth on, the BCM
Data Exports emulator), for N connections: one worker taking the SQS batches one after another (sequential), against
W workers taking them at once (concurrent), side by side in this one script. Each worker is the built function under
the Lambda Runtime Interface Emulator, warm (its first, cold batch is not timed). Each pass is one scheduled run (a
message of a run already recorded is skipped): an untimed first run publishes every connection's first status, then
the timed runs, an hour apart each, verify and record the steady state (status unchanged, nothing published).

usage: python bench/verifier_throughput.py [--connections 1000] [--workers 4]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner  # noqa: E402
from test_verifier import VENDOR_BUILD, World  # noqa: E402


def batches(connections, as_of, size=10):
    """The scheduler's messages for one run as of `as_of`: each pass is a new run (the worker does nothing for a
    message whose run it has already recorded)."""
    as_of = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    for i in range(0, len(connections), size):
        yield {"Records": [{"messageId": f"m{i + j}", "receiptHandle": "r", "eventSource": "aws:sqs",
                            "body": json.dumps({"tenant": c["tenant"], "connection": c["connection"], "asOf": as_of})}
                           for j, c in enumerate(connections[i:i + size])]}


def run(runners, events) -> float:
    """Each worker (one execution environment: one invocation at a time) takes every n-th batch."""
    def work(i):
        for e in events[i::len(runners)]:
            result = runners[i].invoke(e)
            assert not result.function_error and result.json() == {"batchItemFailures": []}, result.payload

    t0 = time.monotonic()
    with ThreadPoolExecutor(len(runners)) as pool:
        for f in [pool.submit(work, i) for i in range(len(runners))]:
            f.result()
    return time.monotonic() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=4)
    args = ap.parse_args()
    world = World()
    spec = FunctionSpec.from_template("VerifierWorkerFunction", ROOT / "vendor.yaml")
    runners = []
    try:
        t0 = time.monotonic()
        connections = []
        for i in range(args.connections):
            c = world.connect(f"ext-bench-{i}", export=("HEALTHY", None, "DELIVERY_SUCCESS", None))
            world.deliver(c)
            connections.append(c)
        setup = time.monotonic() - t0
        runners = [LambdaRunner(spec, code_dir=VENDOR_BUILD / "VerifierWorkerFunction", env=world.env()).start()
                   for _ in range(args.workers)]
        now = datetime.now(timezone.utc)
        run(runners, list(batches(connections, now)))
        sequential = run(runners[:1], list(batches(connections, now + timedelta(hours=1))))
        concurrent = run(runners, list(batches(connections, now + timedelta(hours=2))))
        out = {
            "connections": args.connections, "setup_seconds": round(setup, 1), "workers": args.workers,
            "sequential_seconds": round(sequential, 2),
            "sequential_per_second": round(args.connections / sequential, 1),
            "concurrent_seconds": round(concurrent, 2),
            "concurrent_per_second": round(args.connections / concurrent, 1),
            "speedup": round(sequential / concurrent, 2),
            "ms_per_connection_sequential": round(sequential / args.connections * 1000, 1),
        }
        print(json.dumps(out, indent=2))
    finally:
        for r in runners:
            r.stop()
        world.exports.stop()
        world.reports.stop()
        world.moto.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
