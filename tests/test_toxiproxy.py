"""The toxiproxy wrapper the benchmarks measure through really shapes the traffic: answers pass intact, each round
trip through a latency proxy takes at least the latency, and a bandwidth proxy at least size / rate. Lower bounds
only (load can make a request slower, never faster than the toxic allows); the proxy without toxics is the control.
Skipped only when the pinned server cannot be built (no go on PATH, no Go module proxy)."""
import http.server
import threading
import time
import urllib.request

import pytest

from costlink_tools.toxiproxy import Toxiproxy, ToxiproxyUnavailable, build

BODY = bytes(range(256)) * 200  # 51,200 bytes


class Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def proxies():
    try:
        build()
    except ToxiproxyUnavailable as e:
        pytest.skip(f"toxiproxy cannot be built here: {e}")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    upstream = f"http://127.0.0.1:{server.server_address[1]}"
    with Toxiproxy() as tp:
        yield tp, upstream
    server.shutdown()


def timed_get(url):
    t0 = time.monotonic()
    with urllib.request.urlopen(url + "/", timeout=30) as r:
        body = r.read()
    return time.monotonic() - t0, body


def test_latency_delays_every_round_trip_and_keeps_the_bytes(proxies):
    tp, upstream = proxies
    plain = tp.proxy("plain", upstream)
    slow = tp.proxy("slow", upstream, latency_ms=400)
    _, direct = timed_get(plain)
    assert direct == BODY
    for _ in range(2):  # a fresh connection each time: every round trip pays, not just the first
        elapsed, body = timed_get(slow)
        assert body == BODY
        assert elapsed >= 0.4
    assert tp.describe("slow") == "toxiproxy: 400 ms latency per answer"


def test_bandwidth_limits_the_answers_bytes_per_second(proxies):
    tp, upstream = proxies
    narrow = tp.proxy("narrow", upstream, bandwidth_kb_per_s=64)  # 51.2 KB at 64 KB/s: at least 0.8 s
    elapsed, body = timed_get(narrow)
    assert body == BODY
    assert elapsed >= len(BODY) / 64_000
    assert tp.describe("narrow") == "toxiproxy: 0 ms latency, 0.064 MB/s per answer"


def test_an_unknown_proxy_is_refused_with_the_apis_answer(proxies):
    tp, _ = proxies
    with pytest.raises(RuntimeError, match="HTTP 404"):
        tp._toxic("nonexistent", "latency", {"latency": 1})
