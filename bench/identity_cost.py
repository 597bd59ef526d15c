"""What the proof of origin (issue 11, docs/security.md) costs: measured on the built registry function's own classes
(bench/identity/IdentityCost.java, compiled beside them) against a moto server with IAM authorisation on, which
verifies each replayed signature as STS does.

- the sender's cold-start cost of signing: a fresh JVM (Lambda's java21 flags) until its first signed proof, median of
  --fresh runs;
- per event on a warm JVM: signing (callback, detector), the registry's local checks (decode, signed headers, body hash,
  audience, date, endpoint), the HMAC of a connection event, and the replay's round trip to the emulator's STS (p50,
  p99), over --events events;
- the real STS's round trip is a stated model (docs/security.md), not a measurement: nothing here reaches AWS.

usage: python bench/identity_cost.py [--events 300] [--fresh 5] [--no-doc]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "bench"))

from costlink_tools.lambda_runner import JVM_FLAGS  # noqa: E402
from costlink_tools.moto_server import MotoServer  # noqa: E402
from perf_doc import machine, stamp, write_section  # noqa: E402


def registry_lib() -> Path:
    found = sorted(ROOT.glob(".aws-sam/**/RegistryFunction/lib"))
    if not found:
        subprocess.run(["sam", "build", "--config-env", "vendor"], cwd=ROOT, check=True, capture_output=True)
        found = sorted(ROOT.glob(".aws-sam/**/RegistryFunction/lib"))
    if not found:
        raise SystemExit("the registry function is not built (sam build --config-env vendor)")
    return found[0]


def java() -> str:
    import os
    home = os.environ.get("JAVA_HOME")
    return str(Path(home) / "bin" / "java") if home else "java"


def session(moto: MotoServer) -> list[str]:
    iam = moto.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                     "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName="costlink-detector-bench", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    c = moto.client("sts").assume_role(RoleArn=arn, RoleSessionName="bench")["Credentials"]
    return [c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]]


def run(classpath: str, *args: str) -> dict[str, float]:
    out = subprocess.run([java(), *JVM_FLAGS, "-cp", classpath, "dev.costlink.registry.IdentityCost", *args],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"IdentityCost {args[0]} failed: {out.stderr[-2000:]}")
    words = out.stdout.split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=300)
    ap.add_argument("--fresh", type=int, default=5)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    where = machine()
    lib = registry_lib()
    work = Path(tempfile.mkdtemp(prefix="identity-cost-"))
    moto = MotoServer(unauthenticated_calls=1000).start()
    try:
        classes = work / "classes"
        classpath_lib = f"{lib}/*"
        subprocess.run(["javac", "--release", "21", "-d", str(classes), "-cp", classpath_lib,
                        str(ROOT / "bench" / "identity" / "IdentityCost.java")], check=True)
        keys = session(moto)
        moto.unauthenticated(0)  # from here every replay's signature is checked
        classpath = f"{classes}:{classpath_lib}"
        first = [run(classpath, "first", moto.endpoint, *keys)["first_sign_ms"] for _ in range(args.fresh)]
        warm = run(classpath, "warm", moto.endpoint, *keys, str(args.events))
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    rows = [
        ("sender, cold: a fresh JVM until its first signed proof (class loading + signer)",
         f"{statistics.median(first):.0f} ms (median of {len(first)}; {min(first):.0f}-{max(first):.0f})"),
        ("sender, warm: signing one proof (`AwsV4HttpSigner`)", f"{warm['sign_us']:.0f} µs (p50)"),
        ("registry: local checks of one proof (decode, signed headers, body hash, audience, date, endpoint)",
         f"{warm['local_us']:.0f} µs (p50)"),
        ("registry: HMAC of a connection event (sign + verify, 2 KB body)", f"{warm['hmac_us']:.0f} µs (p50)"),
        ("registry: replay to the emulator's STS (moto, IAM authorisation on, loopback, warm connection)",
         f"{warm['replay_p50_ms']:.1f} ms p50, {warm['replay_p99_ms']:.1f} ms p99"),
        ("registry: replay to the real regional STS", "**model**: ~10-30 ms same region, ~70-150 ms cross-region "
         "(docs/security.md); bounded by the 2 s budget (then 503)"),
        ("size of the `CostLink-Identity` header", f"{warm['proof_chars']:.0f} characters"),
    ]
    table = "| what | cost |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    text = (f"{stamp(where)} `python bench/identity_cost.py --events {args.events} --fresh {args.fresh}` "
            f"(each phase's {args.events} events after as many warm-up events).\n\n{table}\n")
    print(text)
    if not args.no_doc:
        write_section("identity-cost", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
