"""Connections verified per second by one verifier worker, with every AWS call behind toxiproxy's injected latency
(default 50 ms on each answer of moto, the BCM Data Exports and the CUR emulators): the same built function run
sequentially (COSTLINK_WORKER_CONCURRENCY=1, the worker before its batches were concurrent) against the default
concurrency (vendor.yaml), side by side in this one script, and the concurrent worker at each SQS batch size asked.
From the measured rate it derives the time for 10,000 and 100,000 connections at the default WorkerMaxConcurrency
(a stated model: workers side by side, each at the measured rate).

Each worker is the built function under the Lambda Runtime Interface Emulator, warm (its first batches are not timed).
Each pass is one scheduled run (a message of a run already recorded is skipped): an untimed first run publishes every
connection's first status, then the timed runs, an hour apart each, verify and record the steady state.

usage: python bench/verifier_throughput.py [--connections 200] [--sequential 40] [--latency-ms 50]
                                           [--batch-sizes 10,25,50] [--no-doc]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from costlink_tools.cfn_model import load_template  # noqa: E402
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner  # noqa: E402
from costlink_tools.toxiproxy import Toxiproxy  # noqa: E402
from perf_doc import cpu_seconds, machine, stamp, write_section  # noqa: E402
from test_verifier import VENDOR_BUILD, World  # noqa: E402

ENDPOINTS = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BCM_DATA_EXPORTS", "AWS_ENDPOINT_URL_COST_AND_USAGE_REPORT_SERVICE")


def batches(connections, as_of, size):
    """The scheduler's messages for one run as of `as_of`, in SQS batches of `size`."""
    as_of = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    for i in range(0, len(connections), size):
        yield {"Records": [{"messageId": f"m{i + j}", "receiptHandle": "r", "eventSource": "aws:sqs",
                            "body": json.dumps({"tenant": c["tenant"], "connection": c["connection"], "asOf": as_of})}
                           for j, c in enumerate(connections[i:i + size])]}


def run(runner, events, cpu=None) -> float:
    """One worker (one execution environment: one invocation at a time) takes the batches one after another. With
    `cpu` ({part: pid}), also the CPU seconds each part used meanwhile, into cpu["used"]."""
    pids = dict(cpu or {})
    before = {part: cpu_seconds(pid) for part, pid in pids.items()}
    t0 = time.monotonic()
    for e in events:
        result = runner.invoke(e)
        assert not result.function_error and result.json() == {"batchItemFailures": []}, result.payload[:500]
    seconds = time.monotonic() - t0
    if cpu is not None:
        cpu["used"] = {part: cpu_seconds(pid) - before[part] for part, pid in pids.items()}
    return seconds


def defaults():
    template = load_template(ROOT / "vendor.yaml")
    worker = template["Resources"]["VerifierWorkerFunction"]["Properties"]
    return (int(worker["Environment"]["Variables"]["COSTLINK_WORKER_CONCURRENCY"]),
            int(template["Parameters"]["WorkerMaxConcurrency"]["Default"]),
            int(worker["Events"]["Connections"]["Properties"]["BatchSize"]))


def duration(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--connections", type=int, default=200, help="connections verified by the concurrent worker")
    ap.add_argument("--sequential", type=int, default=40, help="connections verified by the sequential worker")
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--batch-sizes", default="10,25,50", help="SQS batch sizes the concurrent worker is measured at")
    ap.add_argument("--no-doc", action="store_true", help="print the figures only, leave docs/performance.md")
    args = ap.parse_args()
    sizes = [int(s) for s in args.batch_sizes.split(",")]
    concurrency, max_workers, default_batch = defaults()
    where = machine()
    world = World()
    toxiproxy = Toxiproxy().start()
    runners = []
    try:
        t0 = time.monotonic()
        connections = []
        for i in range(max(args.connections, args.sequential)):
            c = world.connect(f"ext-bench-{i}", export=("HEALTHY", None, "DELIVERY_SUCCESS", None))
            world.deliver(c)
            connections.append(c)
        setup = time.monotonic() - t0
        env = dict(world.env())
        for i, name in enumerate(ENDPOINTS):  # every AWS call of the worker goes through a proxy of its own
            env[name] = toxiproxy.proxy(f"aws{i}", env[name], latency_ms=args.latency_ms)
        shaping = toxiproxy.describe("aws0")
        spec = FunctionSpec.from_template("VerifierWorkerFunction", ROOT / "vendor.yaml")
        code = VENDOR_BUILD / "VerifierWorkerFunction"
        sequential_worker = LambdaRunner(spec, code_dir=code, env={**env, "COSTLINK_WORKER_CONCURRENCY": "1"}).start()
        runners.append(sequential_worker)
        concurrent_worker = LambdaRunner(spec, code_dir=code, env=env).start()
        runners.append(concurrent_worker)
        now = datetime.now(timezone.utc)
        warm = list(batches(connections, now, default_batch))  # untimed: cold starts and first statuses
        run(sequential_worker, warm[:1])
        run(concurrent_worker, warm[1:])
        seq_n = args.sequential
        parts = {"worker JVM": None, "moto": world.moto.process.pid, "toxiproxy": toxiproxy.process.pid,
                 "BCM/CUR emulators and this script": os.getpid()}
        seq_cpu = {**parts, "worker JVM": sequential_worker.process.pid}
        sequential = run(sequential_worker, list(batches(connections[:seq_n], now + timedelta(hours=1),
                                                         default_batch)), seq_cpu) / seq_n
        per_connection, cpu = {}, {}
        for k, size in enumerate(sizes):
            used = {**parts, "worker JVM": concurrent_worker.process.pid}
            seconds = run(concurrent_worker, list(batches(connections[:args.connections],
                                                          now + timedelta(hours=2 + k), size)), used)
            per_connection[size] = seconds / args.connections
            cpu[size] = {part: round(v / args.connections * 1000, 1) for part, v in used["used"].items()}
        out = {
            "latency_ms": args.latency_ms, "setup_seconds": round(setup, 1),
            "sequential": {"connections": seq_n, "per_second": round(1 / sequential, 2),
                           "ms_per_connection": round(sequential * 1000),
                           "cpu_ms_per_connection": {p: round(v / seq_n * 1000, 1)
                                                     for p, v in seq_cpu["used"].items()}},
            "concurrent": {size: {"connections": args.connections, "concurrency": concurrency,
                                  "per_second": round(1 / s, 2), "ratio": round(sequential / s, 2),
                                  "cpu_ms_per_connection": cpu[size]}
                           for size, s in per_connection.items()},
        }
        print(json.dumps(out, indent=2))
        if not args.no_doc:
            write_section("verifier-throughput", table(out, sequential, per_connection, concurrency, max_workers,
                                                       default_batch, shaping, where))
    finally:
        for r in runners:
            r.stop()
        toxiproxy.stop()
        world.exports.stop()
        world.reports.stop()
        world.moto.stop()
    return 0


LAMBDA_VCPU = 1024 / 1769  # the worker's MemorySize over the 1,769 MB at which Lambda gives one full vCPU


def table(out, sequential, per_connection, concurrency, max_workers, default_batch, shaping, where) -> str:
    measured = per_connection.get(default_batch, min(per_connection.values()))
    rows = [f"| sequential (COSTLINK_WORKER_CONCURRENCY=1), batches of {default_batch} | "
            f"{out['sequential']['connections']} | {1 / sequential:.2f} | {sequential * 1000:.0f} ms | 1.00 | "
            f"{cpu_cell(out['sequential']['cpu_ms_per_connection'])} |"]
    for size, s in per_connection.items():
        c = out["concurrent"][size]
        rows.append(f"| concurrent ({concurrency} at once), batches of {size} | {c['connections']} | {1 / s:.2f} | "
                    f"{s * 1000:.0f} ms | **{sequential / s:.2f}** | {cpu_cell(c['cpu_ms_per_connection'])} |")
    worker_cpu = out["concurrent"][default_batch if default_batch in per_connection else
                                   next(iter(per_connection))]["cpu_ms_per_connection"]["worker JVM"] / 1000
    machine_cpu = sum(out["concurrent"][default_batch if default_batch in per_connection else
                                        next(iter(per_connection))]["cpu_ms_per_connection"].values())
    latency_bound = min(default_batch, concurrency) / sequential
    cpu_bound = LAMBDA_VCPU / worker_cpu if worker_cpu else float("inf")
    lambda_rate = min(latency_bound, cpu_bound)
    fleet_measured, fleet_lambda = max_workers / measured, max_workers * lambda_rate
    return "\n".join([
        f"`python bench/verifier_throughput.py --connections {max(c['connections'] for c in out['concurrent'].values())} "
        f"--sequential {out['sequential']['connections']} --latency-ms {out['latency_ms']} "
        f"--batch-sizes {','.join(str(s) for s in per_connection)}` (`make bench-network`): one warm worker (the built "
        f"function under the emulator); every AWS call it makes (moto, the BCM Data Exports and CUR emulators) goes "
        f"through {shaping}. Sequential and concurrent are the same build, told apart by COSTLINK_WORKER_CONCURRENCY. "
        f"CPU is what each process used during the pass, per connection. {stamp(where)}",
        "",
        "| one worker | connections timed | connections per second | wall time per connection | ratio to sequential "
        "| CPU ms per connection |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Derived for the default `WorkerMaxConcurrency` of {max_workers} workers side by side (a model, not a "
        f"measurement; SQS batches of {default_batch}):",
        f"- at the rate measured here ({1 / measured:.1f} per second per worker, a floor: the worker, moto and the "
        f"emulators share this machine's cores): {fleet_measured:.0f} connections per second, **10,000 in "
        f"{duration(10_000 / fleet_measured)}, 100,000 in {duration(100_000 / fleet_measured)}**;",
        f"- on Lambda, where each worker has its own CPU share ({LAMBDA_VCPU:.2f} vCPU at 1,024 MB) and AWS's "
        f"services are not on it: a worker is bounded by latency at {min(default_batch, concurrency)} in flight / "
        f"{sequential * 1000:.0f} ms = {latency_bound:.1f} per second and by its CPU at {LAMBDA_VCPU:.2f} / "
        f"{worker_cpu * 1000:.0f} ms = {cpu_bound:.1f} per second, so {lambda_rate:.1f}: {fleet_lambda:.0f} per "
        f"second, **10,000 in {duration(10_000 / fleet_lambda)}, 100,000 in {duration(100_000 / fleet_lambda)}**.",
        "Both assume AWS answers at the injected latency without throttling (the SDK retries throttling with backoff; "
        "a message that still fails is redelivered by SQS).",
        "",
        f"What bounds the concurrent figure here: all processes together used {machine_cpu:.0f} ms of CPU per connection "
        f"in the pass with batches of {default_batch}, so this machine's {os.cpu_count()} cores (shared with whatever "
        f"else runs) cap it near {os.cpu_count() / machine_cpu * 1000:.0f} connections per second whatever the "
        f"concurrency; the emulators written in Python (moto, BCM Data Exports, CUR) use most of it, the worker the "
        f"least.",
    ])


def cpu_cell(cpu: dict) -> str:
    return ", ".join(f"{part} {ms:.0f}" for part, ms in cpu.items())


if __name__ == "__main__":
    raise SystemExit(main())
