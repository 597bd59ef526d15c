"""A stand-in for the vendor's callback endpoint: scripted answers, signature verification, idempotent event log.
Used by the tests and by the local end-to-end run until the vendor stack's registry runs locally."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    signature_valid: bool
    at: float

    def json(self):
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: str = '{"ok":true}'
    delay: float = 0.0
    hang: bool = False


class Vendor:
    """Answers requests from `script` in order, then `default`. Keeps one event per Idempotency-Key, as a vendor must."""

    def __init__(self, external_id: str, script: list[Answer] | None = None, default: Answer | None = None):
        self.external_id = external_id
        self.script = list(script or [])
        self.default = default or Answer()
        self.received: list[Received] = []
        self.events: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ts = self.headers.get("CostLink-Timestamp", "")
                sig = self.headers.get("CostLink-Signature", "")
                expected = "v1=" + hmac.new(vendor.external_id.encode(), f"{ts}.".encode() + body,
                                            hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(expected, sig)
                with vendor._lock:
                    vendor.received.append(Received(self.path, dict(self.headers), body, valid, time.monotonic()))
                    answer = vendor.script.pop(0) if vendor.script else vendor.default
                if answer.hang:
                    vendor._stop.wait(120)
                    return
                if answer.delay:
                    vendor._stop.wait(answer.delay)
                if answer.status < 300 and valid:
                    key = self.headers.get("Idempotency-Key")
                    with vendor._lock:
                        vendor.events.setdefault(key, json.loads(body))
                payload = answer.body.encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/costlink/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
