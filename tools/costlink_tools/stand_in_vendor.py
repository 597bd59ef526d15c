"""A stand-in for the vendor's callback endpoint: scripted answers, signature and proof-of-origin checks, idempotent
event log. Used by the tests of the senders (the connection callback, the delivery detector).

Every event must carry a readable CostLink-Identity proof (identity_proof.py) made for its exact body and for this
vendor's audience; connection events (a Vendor given the ExternalId) also the ExternalId's HMAC. With `sts_endpoint`
the stand-in replays the proof to that STS (the local moto) and records who AWS says signed it (`Received.caller_arn`).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import identity_proof


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    signature_valid: bool   # the ExternalId's HMAC (False when the vendor expects none: delivery events)
    at: float
    proof_problem: str | None = None   # why the proof of origin fails its local checks; None when it passes
    caller_arn: str | None = None      # who STS says signed the proof (replayed only with `sts_endpoint`)
    sts_answer: str | None = None      # STS's answer to the replay, when it refused

    @property
    def proof_valid(self) -> bool:
        return self.proof_problem is None

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

    def __init__(self, external_id: str | None, script: list[Answer] | None = None, default: Answer | None = None,
                 sts_endpoint: str | None = None):
        """`external_id` None: events carry no HMAC (the detector's delivery events); the proof alone must pass."""
        self.external_id = external_id
        self.sts_endpoint = sts_endpoint
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
                signed = False
                if vendor.external_id is not None:
                    expected = "v1=" + hmac.new(vendor.external_id.encode(), f"{ts}.".encode() + body,
                                                hashlib.sha256).hexdigest()
                    signed = hmac.compare_digest(expected, sig)
                received = Received(self.path, dict(self.headers), body, signed, time.monotonic())
                vendor._check_proof(received)
                valid = received.proof_valid and (signed or vendor.external_id is None)
                with vendor._lock:
                    vendor.received.append(received)
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

    @property
    def audience(self) -> str:
        return identity_proof.audience(self.url)

    def _check_proof(self, received: Received) -> None:
        value = received.headers.get(identity_proof.HEADER)
        if not value:
            received.proof_problem = "missing"
            return
        try:
            headers = identity_proof.decode(value)
        except (ValueError, KeyError, TypeError):
            received.proof_problem = "unreadable"
            return
        if headers.get(identity_proof.BODY_SHA256_HEADER) != hashlib.sha256(received.body).hexdigest():
            received.proof_problem = "made for another body"
        elif headers.get(identity_proof.AUDIENCE_HEADER) != self.audience:
            received.proof_problem = "made for another audience"
        elif self.sts_endpoint:
            received.caller_arn, received.sts_answer = replay(headers, self.sts_endpoint)
            if received.caller_arn is None:
                received.proof_problem = "refused by STS"

    def stop(self):
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()


def replay(headers: dict[str, str], sts_endpoint: str) -> tuple[str | None, str]:
    """Sends the signed GetCallerIdentity request to `sts_endpoint`: (the caller's ARN, STS's answer)."""
    url = sts_endpoint if sts_endpoint.endswith("/") else sts_endpoint + "/"
    request = urllib.request.Request(url, data=identity_proof.STS_BODY.encode(), method="POST",
                                     headers={k: v for k, v in headers.items() if k != "host"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            text = answer.read().decode()
    except urllib.error.HTTPError as e:
        return None, e.read().decode(errors="replace")
    start, end = text.find("<Arn>"), text.find("</Arn>")
    return (text[start + 5:end] if 0 <= start < end else None), text
