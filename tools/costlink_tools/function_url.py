"""What a Lambda function URL does, locally: an HTTP server on 127.0.0.1 that turns each request into a payload
format 2.0 event, invokes the function under the emulator, and turns its result back into the HTTP response."""
from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .lambda_runner import LambdaRunner


class FunctionUrl:
    def __init__(self, runner: LambdaRunner):
        self.runner = runner
        self._lock = threading.Lock()  # one execution environment handles one request at a time, as in Lambda
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                event = {
                    "version": "2.0", "routeKey": "$default", "rawPath": self.path.split("?")[0],
                    "rawQueryString": self.path.split("?", 1)[1] if "?" in self.path else "",
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "requestContext": {"http": {"method": self.command, "path": self.path.split("?")[0],
                                                "protocol": "HTTP/1.1", "sourceIp": self.client_address[0],
                                                "userAgent": self.headers.get("User-Agent", "")},
                                       "requestId": str(uuid.uuid4()), "timeEpoch": int(time.time() * 1000)},
                    "body": base64.b64encode(body).decode(), "isBase64Encoded": True,
                }
                with outer._lock:
                    invocation = outer.runner.invoke(event)
                try:
                    result = invocation.json()
                    status = int(result.get("statusCode", 200)) if not invocation.function_error else 502
                    payload = (result.get("body") or "").encode() if not invocation.function_error else b"{}"
                    headers = result.get("headers") or {}
                except (ValueError, AttributeError):
                    status, payload, headers = 502, b"{}", {}
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_GET = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
