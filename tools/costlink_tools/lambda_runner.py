"""Runs a built function the way Lambda runs it, without Docker: the Runtime Interface Emulator that `sam local invoke`
runs inside its container (shipped in the aws-sam-cli package), with the Java Runtime Interface Client as the function
process, the handler, timeout, memory and environment taken from the template, and the code from `sam build`'s output.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import samcli

from .cfn_model import ROOT, load_template

RIE = Path(samcli.__file__).parent / "local" / "rapid" / "aws-lambda-rie-x86_64"
RIC_DIR = ROOT / "tools" / "lambda-runtime" / "target" / "ric"
BUILD_DIR = ROOT / ".aws-sam" / "build"
# What the managed java21 runtime passes to the JVM (JAVA_TOOL_OPTIONS aside): C1 only, serial GC, CDS on.
JVM_FLAGS = ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"]
# The Java runtime interface client copies its JNI library to the fixed path /tmp/.libaws-lambda-jni.so at every start,
# so JVMs starting together overwrite a library another is loading (a SIGSEGV in ld.so). Lambda runs one per sandbox;
# here each loads the one copy below, named by the client's own system property.
JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI"
_jni_lock = threading.Lock()
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jni_library() -> Path:
    """The runtime interface client's JNI library for this machine, extracted once from its jar."""
    target = RIC_DIR.parent / "jni" / "libaws-lambda-jni.linux-x86_64.so"
    with _jni_lock:
        if not target.exists():
            import zipfile
            [jar] = RIC_DIR.glob("aws-lambda-java-runtime-interface-client-*.jar")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.partial")
            with zipfile.ZipFile(jar) as z:
                partial.write_bytes(z.read("jni/libaws-lambda-jni.linux-x86_64.so"))
            os.replace(partial, target)  # atomic: another process sees no file or the whole one
    return target


@dataclass
class FunctionSpec:
    logical_id: str
    handler: str
    timeout: int
    memory: int
    environment: dict
    max_retries: int = 2

    @classmethod
    def from_template(cls, logical_id: str, template_path: Path = ROOT / "template.yaml") -> "FunctionSpec":
        template = load_template(template_path)
        res = template["Resources"].get(logical_id)
        if not res or res["Type"] != "AWS::Serverless::Function":
            raise SystemExit(f"{logical_id} is not a function of {template_path.name}")
        globals_ = template.get("Globals", {}).get("Function", {})
        props = {**globals_, **res["Properties"]}
        env = {k: v for k, v in props.get("Environment", {}).get("Variables", {}).items() if isinstance(v, (str, int))}
        retries = props.get("EventInvokeConfig", {}).get("MaximumRetryAttempts", 2)
        return cls(logical_id, props["Handler"], int(props.get("Timeout", 3)), int(props.get("MemorySize", 128)),
                   {k: str(v) for k, v in env.items()}, int(retries))

    @classmethod
    def resolved(cls, logical_id: str, template_path: Path = ROOT / "template.yaml",
                 parameter_overrides: dict | None = None) -> "FunctionSpec":
        """The function as `sam local invoke` sees it: Globals merged, its environment resolved with the template's
        parameters (defaults, then `parameter_overrides`), a Ref to a resource as its logical id, pseudo parameters
        sam's local values. Further than sam: Conditions, Fn::If, AWS::NoValue, Fn::Join and Fn::FindInMap are
        evaluated by the project's template model (sam leaves a value that holds one of them empty). What stays
        unresolved (an attribute of a resource) becomes an empty string, as sam passes it."""
        from .cfn_model import Stack, TemplateError

        class LocalInvoke(Stack):
            def _ref(self, name):
                if name == "AWS::AccountId":
                    return "123456789012"  # sam's local account
                if name.startswith("AWS::") or name in self.resolved_parameters():
                    return super()._ref(name)
                if name in self.template.get("Parameters", {}):
                    return None  # a parameter without default or override: empty, as sam passes it
                return name  # a resource: its logical id, as sam local resolves it

            def _sub_ref(self, name):
                value = None if "." in name else self._ref(name)
                if value is None:
                    raise TemplateError(f"{name} has no local value")  # the whole value is then left empty
                return str(value)

            def value(self, expr):
                if isinstance(expr, dict) and list(expr) == ["Fn::GetAtt"]:
                    return None
                return super().value(expr)

        template = load_template(template_path)
        res = template["Resources"].get(logical_id)
        if not res or res["Type"] != "AWS::Serverless::Function":
            raise SystemExit(f"{logical_id} is not a function of {Path(template_path).name}")
        props = {**template.get("Globals", {}).get("Function", {}), **res["Properties"]}
        model = LocalInvoke(template, {k: str(v) for k, v in (parameter_overrides or {}).items()})
        env = {}
        for name, expr in props.get("Environment", {}).get("Variables", {}).items():
            try:
                env[name] = sam_string(model.value(expr))
            except (TemplateError, KeyError):
                env[name] = ""
        return cls(logical_id, props["Handler"], int(props.get("Timeout", 3)), int(props.get("MemorySize", 128)),
                   env, cls.from_template(logical_id, Path(template_path)).max_retries)


def sam_string(value) -> str:
    """How sam turns an environment value into the string Lambda receives (samcli.local.lambdafn.env_vars)."""
    from .cfn_model import NO_VALUE
    if isinstance(value, (dict, list, tuple)) or value is None or value is NO_VALUE:
        return ""
    if value is True or value is False:
        return str(value).lower()
    return str(value)


@dataclass
class Invocation:
    status: int
    payload: bytes
    seconds: float
    function_error: bool

    def json(self):
        return json.loads(self.payload)


class LambdaRunner:
    """One execution environment: start() is the cold start, each invoke() after the first is warm."""

    def __init__(self, spec: FunctionSpec, env: dict | None = None, timeout: int | None = None,
                 code_dir: Path | None = None, classpath: list[str] | None = None,
                 jvm_options: list[str] | None = None, cpus: str | None = None):
        self.spec = spec
        self.jvm_options = list(jvm_options or [])
        self.cpus = cpus  # a CPU list for `taskset -c` (e.g. "0": one core, as a small Lambda function has), or all
        self.timeout = timeout or spec.timeout
        self.code_dir = code_dir or BUILD_DIR / spec.logical_id
        self.classpath = classpath or [str(self.code_dir / "lib" / "*"), str(RIC_DIR / "*")]
        self.env = {**spec.environment, **(env or {})}
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_file = tempfile.NamedTemporaryFile(prefix=f"{spec.logical_id}-", suffix=".log", delete=False)
        self.started_at = 0.0

    def start(self) -> "LambdaRunner":
        if not (self.code_dir / "lib").is_dir():
            raise SystemExit(f"{self.code_dir} has no lib/: run `sam build` first")
        if not RIC_DIR.is_dir():
            raise SystemExit(f"{RIC_DIR} is missing: run `mvn install` first")
        java = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "java"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            **FAKE_CREDENTIALS,
            "AWS_LAMBDA_FUNCTION_NAME": self.spec.logical_id,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(self.timeout),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.spec.memory),
            "AWS_LAMBDA_FUNCTION_HANDLER": self.spec.handler,
            "_HANDLER": self.spec.handler,
            "LAMBDA_TASK_ROOT": str(self.code_dir),
            **self.env,
        }
        env = {k: v for k, v in env.items() if v is not None}  # None removes a variable (e.g. a session token)
        heap = max(64, int(self.spec.memory * 0.85))
        # Each emulator also serves the Runtime API to its function process (default 127.0.0.1:9001): a port of its
        # own lets several functions run at once (the callback posting to the registry, for instance).
        cmd = [*(["taskset", "-c", self.cpus] if self.cpus else []),
               str(RIE), "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
               "--runtime-api-address", f"127.0.0.1:{free_port()}",
               str(java), *JVM_FLAGS, f"-D{JNI_PROPERTY}={jni_library()}", *self.jvm_options, f"-Xmx{heap}m",
               "-cp", ":".join(self.classpath),
               "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", self.spec.handler]
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(cmd, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
                                        cwd=str(self.code_dir), start_new_session=True)
        self._wait_listening()
        return self

    def _wait_listening(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited: {self.logs()}")
            time.sleep(0.02)
        raise RuntimeError("the emulator did not start listening")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def invoke(self, event) -> Invocation:
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/2015-03-31/functions/function/invocations", data=body, method="POST")
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=self.timeout + 30) as resp:
                payload, status = resp.read(), resp.status
                error = resp.headers.get("X-Amz-Function-Error") is not None
        except urllib.error.HTTPError as e:
            payload, status, error = e.read(), e.code, True
        seconds = time.monotonic() - t0
        if not error:
            try:
                parsed = json.loads(payload)
                error = isinstance(parsed, dict) and "errorType" in parsed and "errorMessage" in parsed
            except ValueError:
                pass
        return Invocation(status, payload, seconds, error)

    def invoke_async(self, event, on_failure) -> list[Invocation]:
        """What the Lambda service does with an asynchronous invocation (S3 and EventBridge invoke this way): the
        first attempt, up to MaximumRetryAttempts retries on a function error, then the on-failure destination record
        (the documented shape) handed to `on_failure`, which sends it to the destination for real."""
        attempts = []
        for _ in range(1 + self.spec.max_retries):
            attempts.append(self.invoke(event))
            if not attempts[-1].function_error:
                return attempts
        payload = event if isinstance(event, (dict, list)) else json.loads(event)
        on_failure({
            "version": "1.0",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": f"arn:aws:lambda:us-east-1:012345678912:function:{self.spec.logical_id}:$LATEST",
                "condition": "RetriesExhausted",
                "approximateInvokeCount": len(attempts),
            },
            "requestPayload": payload,
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "responsePayload": attempts[-1].json(),
        })
        return attempts

    def logs(self) -> str:
        self.log_file.flush()
        return Path(self.log_file.name).read_text(errors="replace")

    def json_logs(self) -> list[dict]:
        out = []
        for line in self.logs().splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(5)
        self.log_file.close()

    def discard(self):
        """Stops the environment and removes its log."""
        self.stop()
        try:
            os.unlink(self.log_file.name)
        except OSError:
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.discard()


class EnvironmentPool:
    """A function's execution environments, as Lambda scales them: an invocation takes an idle environment (warm) or
    starts a new one (cold) while fewer than `size` exist, else waits for one to be free. `size` is the function's
    concurrency bound here (its reserved concurrency, capped by what one machine runs). An environment whose process
    died (a crash, a timeout that killed the runtime) is dropped, as Lambda replaces it."""

    def __init__(self, make_runner, size: int):
        if size < 1:
            raise ValueError("a pool needs at least one environment")
        self.make_runner = make_runner
        self.size = size
        self._idle: list[LambdaRunner] = []
        self._all: list[LambdaRunner] = []
        self._cond = threading.Condition()
        self._closed = False
        self.cold_starts = 0
        self.busy_peak = 0

    def _acquire(self) -> LambdaRunner:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("the function was deleted")
                while self._idle:
                    runner = self._idle.pop()
                    if runner.alive():
                        self._note_busy()
                        return runner
                    self._drop(runner)
                if len(self._all) < self.size:
                    runner = self.make_runner()
                    self._all.append(runner)
                    self.cold_starts += 1
                    self._note_busy()
                    break
                self._cond.wait()
        try:
            return runner.start()
        except BaseException:
            with self._cond:
                self._drop(runner)
                self._cond.notify()
            raise

    def _note_busy(self):
        self.busy_peak = max(self.busy_peak, len(self._all) - len(self._idle))

    def _drop(self, runner: LambdaRunner):
        if runner in self._all:
            self._all.remove(runner)
        runner.discard()

    def _release(self, runner: LambdaRunner):
        with self._cond:
            if runner.alive() and not self._closed:
                self._idle.append(runner)
            else:
                self._drop(runner)
            self._cond.notify()

    def invoke(self, event) -> Invocation:
        runner = self._acquire()
        try:
            return runner.invoke(event)
        finally:
            self._release(runner)

    def retire_idle(self) -> int:
        """Stops every idle environment, as Lambda reclaims environments left idle: the next invocations start cold.
        Returns how many were stopped."""
        with self._cond:
            idle, self._idle = list(self._idle), []
            for runner in idle:
                self._drop(runner)
            return len(idle)

    def logs(self) -> str:
        with self._cond:
            return "".join(r.logs() for r in self._all)

    def environments(self) -> int:
        with self._cond:
            return len(self._all)

    def close(self):
        with self._cond:
            self._closed = True
            runners, self._all, self._idle = list(self._all), [], []
            self._cond.notify_all()
        for runner in runners:
            runner.discard()
