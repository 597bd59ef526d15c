"""What a Lambda function URL does, locally: an HTTP(S) server on 127.0.0.1 that turns each request into a payload
format 2.0 event, invokes the function under the emulator, and turns its result back into the HTTP response.

Requests are served concurrently, as Lambda scales: given an EnvironmentPool, each request takes an execution
environment of its own (a new one starts while the pool is below its bound, else the request waits for one to be
free). Given a single LambdaRunner, requests take turns in that one environment, as one environment handles one
request at a time."""
from __future__ import annotations

import base64
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .lambda_runner import EnvironmentPool, LambdaRunner


class FunctionUrl:
    def __init__(self, target: LambdaRunner | EnvironmentPool, tls: ssl.SSLContext | None = None,
                 account_id: str = "anonymous"):
        self.target = target
        self._lock = threading.Lock() if isinstance(target, LambdaRunner) else None
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                path = self.path.split("?")[0]
                host = self.headers.get("Host", "")
                event = {
                    "version": "2.0", "routeKey": "$default", "rawPath": path,
                    "rawQueryString": self.path.split("?", 1)[1] if "?" in self.path else "",
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "requestContext": {"accountId": account_id, "apiId": "local", "domainName": host,
                                       "domainPrefix": "local",
                                       "http": {"method": self.command, "path": path, "protocol": "HTTP/1.1",
                                                "sourceIp": self.client_address[0],
                                                "userAgent": self.headers.get("User-Agent", "")},
                                       "requestId": str(uuid.uuid4()), "routeKey": "$default", "stage": "$default",
                                       "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
                                       "timeEpoch": int(time.time() * 1000)},
                    "body": base64.b64encode(body).decode(), "isBase64Encoded": True,
                }
                outer.requests += 1
                status, payload, headers = outer._answer(event)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _answer(self, event) -> tuple[int, bytes, dict]:
        try:
            if self._lock is not None:
                with self._lock:
                    invocation = self.target.invoke(event)
            else:
                invocation = self.target.invoke(event)
        except RuntimeError:
            return 502, b'{"Message":"Internal Server Error"}', {"Content-Type": "application/json"}
        if invocation.function_error:
            return 502, b'{"Message":"Internal Server Error"}', {"Content-Type": "application/json"}
        try:
            result = invocation.json()
        except ValueError:
            return 502, b'{"Message":"Internal Server Error"}', {"Content-Type": "application/json"}
        if not isinstance(result, dict) or "statusCode" not in result:
            # A function that returns a plain value: Lambda answers 200 with that value as a JSON body.
            return 200, invocation.payload, {"Content-Type": "application/json"}
        body = result.get("body") or ""
        payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
        return int(result["statusCode"]), payload, dict(result.get("headers") or {})

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
