"""A local moto server (the AWS emulator from PyPI) on 127.0.0.1, for tests and the local end-to-end run."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .lambda_runner import FAKE_CREDENTIALS, free_port


class MotoServer:
    def __init__(self, port: int | None = None, unauthenticated_calls: int | None = None,
                 cross_account_trust: bool = False, module: str | None = None, tls_cert: Path | None = None,
                 tls_key: Path | None = None):
        """unauthenticated_calls=N turns moto's IAM authorisation on after the first N calls (which create the
        caller's user, policy and access key); None leaves it off. cross_account_trust judges AssumeRole of a role in
        another account by that role's trust policy, as STS does (costlink_tools.moto_sts_trust). `module` runs
        another server module (the local cloud's costlink_tools.local_cloud.moto_fixes). With `tls_cert` and
        `tls_key` the server speaks HTTPS. See docs/emulator-notes.md."""
        self.port = port or free_port()
        self.unauthenticated_calls = unauthenticated_calls
        self.module = module or ("costlink_tools.moto_sts_trust" if cross_account_trust else "moto.server")
        self.tls_cert, self.tls_key = tls_cert, tls_key
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"{'https' if self.tls_cert else 'http'}://127.0.0.1:{self.port}"

    def urlopen(self, request, timeout: float = 10):
        """urllib against the server (its /moto-api/ endpoints), trusting its certificate when it serves TLS."""
        import ssl
        context = ssl.create_default_context(cafile=str(self.tls_cert)) if self.tls_cert else None
        return urllib.request.urlopen(request, timeout=timeout, context=context)

    def start(self) -> "MotoServer":
        env = {**os.environ, **FAKE_CREDENTIALS}
        tools = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (tools, env.get("PYTHONPATH")) if p)
        if self.unauthenticated_calls is not None:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(self.unauthenticated_calls)
        tls = ["-c", str(self.tls_cert), "-k", str(self.tls_key)] if self.tls_cert else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, "-H", "127.0.0.1", "-p", str(self.port), *tls],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.urlopen(f"{self.endpoint}/moto-api/", timeout=1).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("moto server exited at start")
                time.sleep(0.1)
        raise RuntimeError("moto server did not start")

    def client(self, service: str, key: str = "testing", secret: str = "testing", token: str | None = None, **kw):
        import boto3
        if self.tls_cert:
            kw.setdefault("verify", str(self.tls_cert))
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token, **kw)

    def unauthenticated(self, calls: float) -> None:
        """The next `calls` AWS requests (of any service) skip IAM authorisation; 0 turns it on at once."""
        self.urlopen(urllib.request.Request(f"{self.endpoint}/moto-api/reset-auth", data=str(calls).encode(),
                                            headers={"Content-Type": "text/plain"}, method="POST")).read()

    def reset(self):
        self.urlopen(urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")).read()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
