"""The registry endpoint's warm latency (p50, p99) and requests per second, on loopback and with its AWS calls
(DynamoDB, and each proof's replay to STS) behind toxiproxy's injected latency, side by side in this one script: two warm execution environments of the built
registry (Lambda Runtime Interface Emulator + Java RIC, behind a local function URL) on the same moto, the requests
alternating between them so the machine's noise falls on both alike. Each request is what the connection callback
sends: a connection event with its HMAC and its proof of origin (a new connection.updated each time, so each one is accepted and written).
One execution environment handles one request at a time (Lambda's model), so its requests per second are 1 / mean.

usage: python bench/registry_latency.py [--requests 300] [--latency-ms 10] [--no-doc]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import test_registry_endpoint as registry_suite  # noqa: E402
from costlink_tools.demo import TABLE_ENV, create_tables  # noqa: E402
from costlink_tools.function_url import FunctionUrl  # noqa: E402
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner  # noqa: E402
from costlink_tools.toxiproxy import Toxiproxy  # noqa: E402
from perf_doc import machine, stamp, write_section  # noqa: E402
from support.identity import AuthorisedMoto, post  # noqa: E402
from test_registry_endpoint import VENDOR_BUILD, connection_event, create_tenant  # noqa: E402

WARMUP = 20


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=300, help="timed requests per environment")
    ap.add_argument("--latency-ms", type=int, default=10, help="toxiproxy latency on each AWS answer")
    ap.add_argument("--no-doc", action="store_true", help="print the figures only, leave docs/performance.md")
    args = ap.parse_args()
    where = machine()
    spec = FunctionSpec.from_template("RegistryFunction", ROOT / "vendor.yaml")
    stack = []
    try:
        # IAM authorisation on: moto checks the signature of every proof the registry replays, as STS does.
        moto = AuthorisedMoto().start()
        stack.append(moto)
        registry_suite.MOTO = moto
        registry_suite.STACKS.clear()
        toxiproxy = Toxiproxy().start()
        stack.append(toxiproxy)
        tables = create_tables(moto, suffix="-" + uuid.uuid4().hex[:6])
        env = {TABLE_ENV[k]: v for k, v in tables.items()}
        # Each environment's AWS calls (DynamoDB, and the replay of each proof to STS) go through its endpoint; each
        # event's proof is signed for that endpoint's STS.
        endpoints = {"loopback": moto.endpoint,
                     "shaped": toxiproxy.proxy("aws", moto.endpoint, latency_ms=args.latency_ms)}
        urls = {}
        for name, endpoint in endpoints.items():
            runner = LambdaRunner(spec, code_dir=VENDOR_BUILD / "RegistryFunction",
                                  env={**env, "AWS_ENDPOINT_URL": endpoint, **moto.keys.env()}).start()
            stack.append(runner)
            url = FunctionUrl(runner)
            stack.append(url)
            urls[name] = url.url
        external_id, _ = create_tenant(moto, tables, urls["loopback"])

        def signed(url, body):
            return post(url, body, keys=registry_suite.sender_keys(body), sts_endpoint=endpoints[name_of[url]],
                        external_id=external_id)
        name_of = {url: name for name, url in urls.items()}
        at = datetime.now(timezone.utc)
        samples = {name: [] for name in urls}
        for name, url in urls.items():  # one connection per environment, created before the timed updates
            body = connection_event(external_id, role=f"Bench-{name}")
            assert signed(url, body) == (200, {"status": "accepted"})
        for i in range(WARMUP + args.requests):
            for name, url in urls.items():
                body = connection_event(external_id, "connection.updated", role=f"Bench-{name}")
                at += timedelta(milliseconds=1)  # each update newer than the last
                body["occurredAt"] = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
                t0 = time.monotonic()
                answer = signed(url, body)
                elapsed = time.monotonic() - t0
                assert answer == (200, {"status": "accepted"}), answer
                if i >= WARMUP:
                    samples[name].append(elapsed)
        out = {name: {"p50_ms": round(percentile(s, 50) * 1000, 1), "p99_ms": round(percentile(s, 99) * 1000, 1),
                      "mean_ms": round(statistics.mean(s) * 1000, 1),
                      "requests_per_second": round(1 / statistics.mean(s), 1)}
               for name, s in samples.items()}
        out["latency_ms"], out["requests"] = args.latency_ms, args.requests
        print(json.dumps(out, indent=2))
        if not args.no_doc:
            write_section("registry-latency", table(out, toxiproxy.describe("aws"), where))
    finally:
        for part in reversed(stack):
            part.stop()
    return 0


def table(out, shaping, where) -> str:
    rows = []
    for name, label in (("loopback", "loopback (no injected latency)"),
                        ("shaped", f"DynamoDB and STS through {shaping}")):
        r = out[name]
        rows.append(f"| {label} | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms | {r['mean_ms']:.1f} ms "
                    f"| {r['requests_per_second']:.1f} |")
    return "\n".join([
        f"`python bench/registry_latency.py --requests {out['requests']} --latency-ms {out['latency_ms']}` "
        f"(`make bench-network`): two warm execution environments of the built registry behind a local function URL "
        f"on one moto, requests alternating between them ({out['requests']} timed each, after {WARMUP} untimed), each "
        f"a connection.updated signed as the callback signs it (HMAC and proof of origin) that the registry checks, "
        f"replays to the emulator's STS (moto, IAM authorisation on: it verifies the signature) and writes. Requests per second are one "
        f"environment's (one request at a time, as Lambda runs it). {stamp(where)}",
        "",
        "| registry's AWS calls | p50 | p99 | mean | requests per second |",
        "|---|---|---|---|---|",
        *rows,
    ])


if __name__ == "__main__":
    raise SystemExit(main())
