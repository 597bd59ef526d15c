"""`make bench`: builds what the benchmarks run (both stacks' functions with `sam build`, the Java runtime interface
client, the hello-world baseline), then runs each benchmark in turn. Arguments are passed to bench/cold_start.py
(e.g. `make bench BENCH_ARGS="--rounds 9"`). Another benchmark appends a (name, callable returning an exit status)
pair to the list `steps()` returns.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

BUILDS = [
    ["mvn", "-B", "-ntp", "-q", "-pl", "tools/lambda-runtime,bench/hello-function", "-am", "package", "-DskipTests"],
    ["sam", "build", "--region", "us-east-1"],
    ["sam", "build", "--config-env", "vendor"],
]


def build() -> None:
    for cmd in BUILDS:
        print("+", " ".join(cmd), file=sys.stderr)
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stdout[-3000:] + out.stderr[-3000:])
            raise SystemExit(f"build failed: {' '.join(cmd)}")


def cold_start(args: list[str]) -> int:
    import cold_start as bench
    return bench.main(["--write-docs", *args])


def script(*args: str) -> int:
    """A benchmark script of its own (it writes its docs/performance.md section)."""
    return subprocess.run([sys.executable, *args], cwd=ROOT).returncode


NETWORK = [
    ("verifier worker, sequential vs concurrent, 50 ms per AWS call", ("bench/verifier_throughput.py",)),
    ("detector vs naive validator, 30 ms and 100 MB/s",
     ("bench/delivery_reads.py", "--latency-ms", "30", "--bandwidth-mb-s", "100", "--files", "300")),
    ("registry warm latency, loopback vs shaped", ("bench/registry_latency.py",)),
    ("proof of origin: signing, local checks, STS replay", ("bench/identity_cost.py",)),
]


def steps(argv: list[str]):
    return [("cold start, every function", lambda: cold_start(argv)),
            *[(name, lambda args=args: script(*args)) for name, args in NETWORK]]


def main(argv: list[str]) -> int:
    t0 = time.monotonic()
    build()
    for name, step in steps(argv):
        print(f"== {name}", file=sys.stderr)
        t = time.monotonic()
        if step() != 0:
            return 1
        print(f"== {name}: {time.monotonic() - t:.0f} s", file=sys.stderr)
    print(f"make bench: {time.monotonic() - t0:.0f} s in all", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
