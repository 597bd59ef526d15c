"""Cold start of every CostLink function against a hello-world Java handler, all run the same way in this one script.

Each sample is a fresh Runtime Interface Emulator + Java runtime interface client process (tools/costlink_tools/
lambda_runner.py: the java21 runtime's JVM flags, the template's handler, memory and environment, `sam build`'s
output) sent one realistic event from events/ against a local moto server. Per sample:
- init: the emulator's `INIT REPORT(durationMs: ...)` (from exec of the JVM to the runtime's first /next: JVM start,
  the runtime client, the handler class's static initialisation and constructor);
- first invocation: the emulator's `INVOKE RTDONE(... duration: ...ms)` (the handler's first call, lazy clients
  included);
- total: wall time from starting the emulator to the response (what a caller waits for);
- warm invocation: the emulator's duration of a second invocation (a fresh event) in the same environment;
- peak RSS: VmHWM of the JVM process, read from /proc before it is stopped;
- classes loaded: one more, untimed, cold start with -Xlog:class+load;
and the same with one CPU (`taskset -c 0` and `-XX:ActiveProcessorCount=1`). Rounds are interleaved: each round runs
every subject once in each CPU setting, in an order rotated per round, so drift on the shared machine hits all alike.
Ratios are against the hello-world handler's medians of the same run.

usage: python bench/cold_start.py [--rounds N] [--only Name,...] [--variant LABEL=LogicalId,code=DIR,jvm=OPT]
                                  [--write-docs] [--json FILE]
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from costlink_tools.lambda_runner import RIC_DIR, FunctionSpec, LambdaRunner  # noqa: E402

HELLO_DIR = ROOT / "bench" / "hello-function" / "target"
EVENTS = ROOT / "events"
DOC = ROOT / "docs" / "performance.md"
START_MARK = "<!-- cold-start table start -->"
END_MARK = "<!-- cold-start table end -->"
EXTERNAL_ID = "example-external-id-3f9c1e7a5b"  # the one the events/ files carry
DELIVERY_BUCKET = "acme-costlink-cur"
ONE_CPU_JVM = ["-XX:ActiveProcessorCount=1"]

INIT_RE = re.compile(r"INIT REPORT\(durationMs: ([0-9.]+)\)")
INVOKE_RE = re.compile(r"INVOKE RTDONE\(status: \w+.*?duration: ([0-9.]+)ms\)")


def hello_runner(jvm_options=None, cpus=None, code_dir=None) -> LambdaRunner:
    spec = FunctionSpec("HelloFunction", "dev.costlink.bench.HelloHandler::handleRequest", 30, 512, {})
    lib = HELLO_DIR / "lambda" / "lib"
    jar = next(HELLO_DIR.glob("hello-function-*.jar"))
    return LambdaRunner(spec, code_dir=HELLO_DIR / "lambda", classpath=[str(jar), str(lib / "*"), str(RIC_DIR / "*")],
                        jvm_options=jvm_options, cpus=cpus)


def cold_start(make_runner, make_event) -> float:
    """Seconds from a fresh environment's start to its first response (kept for bench/delivery_reads.py)."""
    return measure(make_runner, make_event).total_ms / 1000


@dataclass
class Sample:
    init_ms: float
    invoke_ms: float
    total_ms: float
    rss_kb: int
    warm_ms: float = 0.0


def parse_report(log: str) -> tuple[float, list[float]]:
    """(init ms, [ms of each invocation]) from the emulator's log of one execution environment."""
    init, invokes = INIT_RE.search(log), INVOKE_RE.findall(log)
    if not init or not invokes:
        raise ValueError("the emulator's log has no INIT REPORT / INVOKE RTDONE line")
    return float(init.group(1)), [float(x) for x in invokes]


def jvm_pid(emulator_pid: int) -> int | None:
    """The emulator's child process (the JVM it execs at the first invocation)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == emulator_pid:
                return int(entry.name)
    return None


def peak_rss_kb(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(make_runner, make_event, check: Callable[[bytes], None] | None = None) -> Sample:
    """One cold start, then one warm invocation (a fresh event) in the same environment."""
    runner = make_runner()
    event = make_event()
    with runner:
        invocation = runner.invoke(event)
        total = time.monotonic() - runner.started_at
        warm = runner.invoke(make_event())
        rss = peak_rss_kb(jvm_pid(runner.process.pid))
        log = runner.logs()
    for answer in (invocation, warm):
        if answer.function_error:
            raise RuntimeError(f"{runner.spec.logical_id} failed: {answer.payload[:500]!r}")
        if check:
            check(answer.payload)
    init, invokes = parse_report(log)
    return Sample(init, invokes[0], total * 1000, rss, invokes[1] if len(invokes) > 1 else 0.0)


@dataclass
class Subject:
    """One row of the table: how to make a fresh environment for it and the event it is sent."""
    name: str
    label: str
    code_dir: Path | None
    make_runner: Callable[..., LambdaRunner]
    make_event: Callable[[], dict]
    check: Callable[[bytes], None] | None = None
    package: list[Path] | None = None  # the jars of its deployment package, when not code_dir/lib/*.jar
    samples: dict = field(default_factory=lambda: {"all": [], "one": []})


def lambda_zip_bytes(jars: list[Path]) -> int:
    """The deployment package as Lambda receives it: lib/*.jar, deflated."""
    with tempfile.NamedTemporaryFile(suffix=".zip") as tmp:
        with zipfile.ZipFile(tmp.name, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(jars):
                z.write(p, f"lib/{p.name}")
        return Path(tmp.name).stat().st_size


def expect(predicate: Callable[[dict], bool], what: str) -> Callable[[bytes], None]:
    def check(payload: bytes):
        if not predicate(json.loads(payload)):
            raise RuntimeError(f"unexpected answer ({what} expected): {payload[:300]!r}")
    return check


class World:
    """What the five functions need on the moto server, created once: buckets, a delivery, tables, a tenant, a queue,
    and a stand-in vendor for the callback URL."""

    def __init__(self, moto, vendor):
        sys.path.insert(0, str(ROOT / "tests"))
        from costlink_tools.demo import TABLE_ENV, create_tables
        from costlink_tools.tenant import tenant_item
        from support.deliveries import Builder

        self.moto, self.vendor = moto, vendor
        self.s3 = moto.client("s3")
        self.s3.create_bucket(Bucket="cfn-responses")
        self.s3.create_bucket(Bucket=DELIVERY_BUCKET)
        Builder(self.s3, DELIVERY_BUCKET).cur2()
        tables = create_tables(moto, suffix="-bench")
        moto.client("dynamodb").put_item(TableName=tables["TenantsTable"],
                                         Item=tenant_item(EXTERNAL_ID, "Bench Corp", int(time.time())))
        queue = moto.client("sqs").create_queue(QueueName="verification-bench")["QueueUrl"]
        self.callback_keys = self.callback_session(moto)
        self.vendor_env = {"AWS_ENDPOINT_URL": moto.endpoint, "COSTLINK_QUEUE_URL": queue,
                           **{TABLE_ENV[k]: v for k, v in tables.items()}}
        self.detector_env = {**json.loads((EVENTS / "env.json").read_text())["DeliveryDetectorFunction"],
                             "COSTLINK_CALLBACK_URL": vendor.url, "AWS_ENDPOINT_URL": moto.endpoint}

    @staticmethod
    def callback_session(moto) -> dict:
        """A session of the callback's role of the registry event's stack, in that event's account: the identity the
        registry's replay of the proof to moto's STS must name (docs/security.md)."""
        from costlink_tools import identity_proof
        body = json.loads(json.loads((EVENTS / "registry-connection-created.json").read_text())["body"])
        iam = moto.client("iam")
        iam.meta.events.register("before-sign.iam.*", lambda request, **kw: request.headers.__setitem__(
            "x-moto-account-id", body["accountId"]))
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                         "Action": "sts:AssumeRole"}]}
        role = iam.create_role(RoleName=identity_proof.callback_role(body["stackId"]),
                               AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        return moto.client("sts").assume_role(RoleArn=role, RoleSessionName="CostLink-ConnectionCallback")[
            "Credentials"]

    def callback_event(self) -> dict:
        e = json.loads((EVENTS / "connection-create.json").read_text())
        e["ResponseURL"] = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": "cfn-responses", "Key": f"r/{uuid.uuid4()}"}, ExpiresIn=600)
        e["ResourceProperties"]["CallbackUrl"] = self.vendor.url
        return e

    def registry_event(self) -> dict:
        """events/registry-connection-created.json signed now (a fresh timestamp, event id and proof of origin by the
        stack's callback role), so the registry takes the whole path of a first connection.created: the proof's local
        checks, the HMAC, the replay to moto's STS and the write."""
        from costlink_tools import identity_proof
        e = json.loads((EVENTS / "registry-connection-created.json").read_text())
        body = json.loads(e["body"])
        body["id"] = "evt_" + uuid.uuid4().hex + "00000000"
        raw = json.dumps(body, separators=(",", ":"))
        ts = str(int(time.time()))
        e["body"] = raw
        e["headers"]["costlink-timestamp"] = ts
        e["headers"]["costlink-signature"] = "v1=" + hmac.new(EXTERNAL_ID.encode(), f"{ts}.{raw}".encode(),
                                                              hashlib.sha256).hexdigest()
        e["headers"]["idempotency-key"] = body["id"]
        c = self.callback_keys
        e["headers"]["costlink-identity"] = identity_proof.sign(
            raw.encode(), key=c["AccessKeyId"], secret=c["SecretAccessKey"], token=c["SessionToken"], region="us-east-1",
            sts_endpoint=self.moto.endpoint, registry_audience=e["headers"]["host"])
        return e


def function_subjects(world: World) -> list[Subject]:
    def fn(logical_id, template, build, env, event, check, label):
        spec = FunctionSpec.resolved(logical_id, ROOT / template)
        code = ROOT / ".aws-sam" / build / logical_id

        def make(jvm_options=None, cpus=None, code_dir=code):
            return LambdaRunner(spec, env=env, code_dir=code_dir, jvm_options=jvm_options, cpus=cpus)
        return Subject(logical_id, label, code, make, event, check)

    def event_file(name):
        return lambda: json.loads((EVENTS / name).read_text())

    def registry_answered(r):
        return isinstance(r, dict) and r.get("statusCode") in (200, 201, 202)

    return [
        fn("ConnectionCallbackFunction", "template.yaml", "build", {"AWS_ENDPOINT_URL": world.moto.endpoint},
           world.callback_event, None, "connection callback (Create)"),
        fn("DeliveryDetectorFunction", "template.yaml", "build", world.detector_env, event_file("delivery-cur2.json"),
           expect(lambda r: [d["vendor"] for d in r["deliveries"]] == ["DELIVERED"], "DELIVERED"),
           "delivery detector (CUR 2.0, 2 files)"),
        fn("RegistryFunction", "vendor.yaml", "vendor", world.vendor_env, world.registry_event,
           expect(registry_answered, "2xx"), "registry endpoint (signed connection.created)"),
        fn("VerifierScheduleFunction", "vendor.yaml", "vendor", world.vendor_env, event_file("verifier-schedule.json"),
           expect(lambda r: "queued" in r, "queued"), "verifier schedule (empty registry)"),
        fn("VerifierWorkerFunction", "vendor.yaml", "vendor", world.vendor_env, event_file("verifier-sqs-batch.json"),
           expect(lambda r: r == {"batchItemFailures": []}, "no failures"), "verifier worker (2-message batch)"),
    ]


def hello_subject() -> Subject:
    jars = [*HELLO_DIR.glob("hello-function-*.jar"), *(HELLO_DIR / "lambda" / "lib").glob("*.jar")]
    return Subject("hello", "hello-world handler", HELLO_DIR / "lambda", hello_runner, lambda: {"hello": 1},
                   package=jars)


def parse_variant(text: str, by_name: dict[str, Subject]) -> Subject:
    """LABEL=LogicalId[,code=DIR][,jvm=OPTION]...: the function run with other code (e.g. an earlier build) or JVM
    options, as an extra row of the same run (an A/B comparison)."""
    label, _, rest = text.partition("=")
    logical, *opts = rest.split(",")
    if not label or logical not in by_name:
        raise SystemExit(f"--variant: expected LABEL=<one of {', '.join(by_name)}>[,code=DIR][,jvm=OPTION]")
    base = by_name[logical]
    code, jvm = base.code_dir, []
    for opt in opts:
        key, _, value = opt.partition("=")
        if key == "code":
            code = Path(value).resolve()
        elif key == "jvm":
            jvm.append(value)
        else:
            raise SystemExit(f"--variant: unknown option {key!r} (code=DIR, jvm=OPTION)")

    def make(jvm_options=None, cpus=None):
        return base.make_runner(jvm_options=[*jvm, *(jvm_options or [])], cpus=cpus, code_dir=code)
    return Subject(f"{logical}[{label}]", f"{base.label} [{label}]", code, make, base.make_event, base.check)


def count_classes(subject: Subject) -> dict:
    """One more (untimed) cold start with -Xlog:class+load: classes loaded in all, and how many came from the
    function's own deployment package (its jars: the SDK, the project's code) rather than the JDK."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "classes.log"
        measure(lambda: subject.make_runner(jvm_options=[f"-Xlog:class+load=info:file={log}"]), subject.make_event,
                subject.check)
        sources = [str(p) for p in subject.package] if subject.package else [str(subject.code_dir)]
        return classes_in(log.read_text(), sources)


def classes_in(log: str, package_paths: list[str]) -> dict:
    lines = [line for line in log.splitlines() if " source: " in line]
    package = [line for line in lines if any(f"source: file:{p}" in line for p in package_paths)]
    return {"classes": len(lines), "package_classes": len(package)}


def train_archive(subject: Subject, archive: Path) -> None:
    """An application class-data archive of one warmed environment (`jcmd VM.cds dynamic_dump` after one
    invocation): what class loading costs, measured by taking it away. Specific to this JVM build, so never shipped."""
    runner = subject.make_runner(jvm_options=["-XX:+RecordDynamicDumpInfo"])
    with runner:
        runner.invoke(subject.make_event())
        jcmd = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "jcmd"
        subprocess.run([str(jcmd), str(jvm_pid(runner.process.pid)), "VM.cds", "dynamic_dump", str(archive)],
                       check=True, capture_output=True, timeout=120)


def appcds_variant(subject: Subject, workdir: Path) -> Subject:
    archive = workdir / f"{subject.name}.jsa"
    train_archive(subject, archive)

    def make(jvm_options=None, cpus=None):
        return subject.make_runner(jvm_options=[f"-XX:SharedArchiveFile={archive}", *(jvm_options or [])], cpus=cpus)
    return Subject(f"{subject.name}[appcds]", f"{subject.label} [AppCDS]", subject.code_dir, make,
                   subject.make_event, subject.check, subject.package)


def run_rounds(subjects: list[Subject], rounds: int, one_cpu: bool, log=print) -> None:
    settings = [("all", None, None)] + ([("one", ONE_CPU_JVM, "0")] if one_cpu else [])
    for r in range(rounds):
        shift = r % len(subjects)
        order = subjects[shift:] + subjects[:shift]
        for setting, jvm, cpus in settings:
            for s in order:
                sample = measure(lambda: s.make_runner(jvm_options=jvm, cpus=cpus), s.make_event, s.check)
                s.samples[setting].append(sample)
        log(f"round {r + 1}/{rounds} done", file=sys.stderr)


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], statistics.median(values), q[2]


def summarise(subjects: list[Subject]) -> dict:
    out = {}
    for s in subjects:
        row = {"label": s.label}
        for setting, samples in s.samples.items():
            if not samples:
                continue
            for metric in ("init_ms", "invoke_ms", "total_ms", "warm_ms"):
                values = [getattr(x, metric) for x in samples]
                p25, med, p75 = quartiles(values)
                row[f"{setting}_{metric}"] = {"median": med, "p25": p25, "p75": p75,
                                              "min": min(values), "max": max(values)}
            row[f"{setting}_rss_mb"] = max(x.rss_kb for x in samples) / 1024
        jars = s.package or (sorted((s.code_dir / "lib").glob("*.jar")) if s.code_dir else [])
        if jars:
            row["zip_bytes"] = lambda_zip_bytes(jars)
        out[s.name] = row
    hello = out.get("hello")
    if hello:
        for row in out.values():
            for setting in ("all", "one"):
                for metric in ("init_ms", "total_ms"):
                    key = f"{setting}_{metric}"
                    if key in row and key in hello:
                        row[f"{key}_ratio"] = row[key]["median"] / hello[key]["median"]
    return out


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    java = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "java"
    try:
        jdk = subprocess.run([str(java), "-version"], capture_output=True, text=True).stderr.splitlines()[1].strip()
    except (OSError, IndexError):
        jdk = "unknown"
    return {"nproc": len(os.sched_getaffinity(0)),  # what `nproc` prints
            "cpu": cpu, "jdk": jdk, "kernel": platform.release(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _ms(stat: dict) -> str:
    return f"{stat['median']:.0f} ({stat['p25']:.0f}-{stat['p75']:.0f})"


def table(summary: dict, rounds: int, info: dict) -> str:
    lines = [
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['jdk']}, Linux {info['kernel']}; {info['date']}; "
        f"{rounds} interleaved rounds. Figures: median (p25-p75) in ms; ratios are medians against the hello-world "
        "handler of the same run. One CPU: `taskset -c 0` and `-XX:ActiveProcessorCount=1`.",
        "",
        "| function | init | first invocation | total | total / hello | init / hello | warm invocation "
        "| 1 CPU: total | 1 CPU: total / hello | peak RSS | zip | classes loaded (from the zip) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in summary.values():
        one = row.get("one_total_ms")
        lines.append("| " + " | ".join([
            row["label"], _ms(row["all_init_ms"]), _ms(row["all_invoke_ms"]), _ms(row["all_total_ms"]),
            f"**{row.get('all_total_ms_ratio', 0):.2f}**", f"{row.get('all_init_ms_ratio', 0):.2f}",
            _ms(row["all_warm_ms"]),
            _ms(one) if one else "-", f"{row['one_total_ms_ratio']:.2f}" if one else "-",
            f"{row['all_rss_mb']:.0f} MB", size(row.get("zip_bytes", 0)),
            f"{row['classes']} ({row['package_classes']})" if "classes" in row else "-"]) + " |")
    return "\n".join(lines)


def size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def write_docs(text: str, doc: Path = DOC) -> None:
    """Puts the table between the markers of docs/performance.md (a rerun replaces it)."""
    content = doc.read_text()
    block = f"{START_MARK}\n{text}\n{END_MARK}"
    if START_MARK in content and END_MARK in content:
        head, rest = content.split(START_MARK, 1)
        tail = rest.split(END_MARK, 1)[1]
        content = head + block + tail
    else:
        content = content.rstrip("\n") + "\n\n## Cold start: every function\n\n" + block + "\n"
    doc.write_text(content)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--only", help="comma-separated logical ids (hello-world is always run)")
    ap.add_argument("--variant", action="append", default=[], help="LABEL=LogicalId[,code=DIR][,jvm=OPTION]")
    ap.add_argument("--appcds", help="comma-separated names (hello, logical ids): also run each with an application "
                                     "class-data archive trained here (an A/B of what class loading costs)")
    ap.add_argument("--no-one-cpu", action="store_true", help="skip the one-CPU setting")
    ap.add_argument("--write-docs", action="store_true", help="write the table into docs/performance.md")
    ap.add_argument("--json", type=Path, help="also write the summary and raw samples as JSON")
    args = ap.parse_args(argv)

    from costlink_tools.moto_server import MotoServer
    from costlink_tools.stand_in_vendor import Vendor

    with MotoServer() as moto:
        vendor = Vendor(EXTERNAL_ID)
        try:
            world = World(moto, vendor)
            functions = function_subjects(world)
            hello = hello_subject()
            by_name = {s.name: s for s in [hello, *functions]}
            if args.only:
                wanted = args.only.split(",")
                unknown = set(wanted) - set(by_name)
                if unknown:
                    raise SystemExit(f"--only: unknown {', '.join(sorted(unknown))}")
                functions = [s for s in functions if s.name in wanted]
            subjects = [hello, *functions, *(parse_variant(v, by_name) for v in args.variant)]
            with tempfile.TemporaryDirectory() as archives:
                for name in (args.appcds.split(",") if args.appcds else []):
                    if name not in by_name:
                        raise SystemExit(f"--appcds: unknown {name}")
                    subjects.append(appcds_variant(by_name[name], Path(archives)))
                run_rounds(subjects, args.rounds, not args.no_one_cpu)
                classes = {s.name: count_classes(s) for s in subjects}
        finally:
            vendor.stop()

    summary = summarise(subjects)
    for s, counts in classes.items():
        summary[s].update(counts)
    text = table(summary, args.rounds, machine())
    print(text)
    if args.json:
        raw = {s.name: {k: [vars(x) for x in v] for k, v in s.samples.items()} for s in subjects}
        args.json.write_text(json.dumps({"summary": summary, "samples": raw}, indent=1))
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
