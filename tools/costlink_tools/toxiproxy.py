"""Shopify's toxiproxy (a TCP proxy that injects latency and limits bandwidth) between the functions and the local
emulators, for benchmarks under real-world conditions instead of loopback. The server is the pinned build of
scripts/toolchain.sh (costlink_toxiproxy, built on first use with go); this drives it through its HTTP API:

    with Toxiproxy() as tp:
        endpoint = tp.proxy("moto", "http://127.0.0.1:5000", latency_ms=50)   # http://127.0.0.1:<port>

Latency is added to each chunk of the answers (the `downstream` stream), so every request/response round trip over
the proxy takes at least `latency_ms` more; bandwidth limits the answers' bytes per second.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .lambda_runner import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(os.environ.get("TOXIPROXY_SERVER") or ROOT / ".venv" / "toxiproxy" / "bin" / "toxiproxy-server")


class ToxiproxyUnavailable(RuntimeError):
    """The server could not be built (no go, no network to the Go module proxy); the message says why."""


def build() -> Path:
    """The server binary, built by the toolchain script when it is not there yet (once; instant afterwards)."""
    if not (SERVER.is_file() and os.access(SERVER, os.X_OK)):
        done = subprocess.run(["bash", "-c", '. scripts/toolchain.sh >/dev/null && costlink_toxiproxy'],
                              cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0 or not SERVER.is_file():
            raise ToxiproxyUnavailable((done.stderr.strip().splitlines() or ["toxiproxy was not built"])[-1])
    return SERVER


class Toxiproxy:
    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.settings: dict[str, dict] = {}

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Toxiproxy":
        binary = build()
        self.process = subprocess.Popen([str(binary), "-host", "127.0.0.1", "-port", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                self._call("GET", "/version")
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("toxiproxy server exited at start")
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("toxiproxy server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "Toxiproxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def proxy(self, name: str, upstream: str, latency_ms: int = 0, jitter_ms: int = 0,
              bandwidth_kb_per_s: int = 0) -> str:
        """A proxy to `upstream` (an http://host:port endpoint) with the given toxics; returns its own endpoint.
        Bandwidth is in toxiproxy's unit, KB/s of 1,000 bytes (100 MB/s is 100_000)."""
        target = urllib.parse.urlsplit(upstream)
        listen = f"127.0.0.1:{free_port()}"
        self._call("POST", "/proxies", {"name": name, "listen": listen,
                                        "upstream": f"{target.hostname}:{target.port}", "enabled": True})
        if latency_ms:
            self._toxic(name, "latency", {"latency": latency_ms, "jitter": jitter_ms})
        if bandwidth_kb_per_s:
            self._toxic(name, "bandwidth", {"rate": bandwidth_kb_per_s})
        self.settings[name] = {"latency_ms": latency_ms, "jitter_ms": jitter_ms,
                               "bandwidth_kb_per_s": bandwidth_kb_per_s}
        return f"{target.scheme}://{listen}"

    def describe(self, name: str) -> str:
        """The proxy's toxics in words, for a benchmark's table."""
        s = self.settings[name]
        parts = [f"{s['latency_ms']} ms latency" + (f" ± {s['jitter_ms']} ms" if s["jitter_ms"] else "")]
        if s["bandwidth_kb_per_s"]:
            parts.append(f"{s['bandwidth_kb_per_s'] / 1000:g} MB/s")
        return "toxiproxy: " + ", ".join(parts) + " per answer"

    def _toxic(self, proxy: str, kind: str, attributes: dict) -> None:
        self._call("POST", f"/proxies/{proxy}/toxics", {"name": f"{proxy}-{kind}", "type": kind,
                                                         "stream": "downstream", "toxicity": 1.0,
                                                         "attributes": attributes})

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.api + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"toxiproxy {method} {path}: HTTP {e.code} {e.read()[:300]!r}") from None
