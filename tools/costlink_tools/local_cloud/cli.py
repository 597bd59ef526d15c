"""`costlink local`: deploy CostLink's stacks into a local AWS (moto, the exports emulators, the local Lambda service)
that keeps running in the background between commands.

    ./costlink local deploy vendor.yaml                                  # stack CostLink-Vendor, vendor account
    ./costlink local deploy template.yaml --parameter-overrides VendorAccountId=999988887777 ExternalId=... \\
        CallbackUrl=https://127.0.0.1:PORT/ BucketName=acme-costlink-cur  # stack CostLink, customer account
    ./costlink local stacks                                              # stacks, resources, outputs
    ./costlink local delete [template.yaml]                              # Delete (retained resources stay)
    ./costlink local env --account vendor                                # shell exports for the AWS CLI / SDKs
    ./costlink local down

`deploy` starts the local AWS when it is not running (`up` starts it alone). Accounts: customer 012345678912,
vendor 999988887777 (tools/costlink_tools/local_cloud/aws.py says why). Its state and log are in .aws-sam/local-cloud/
(COSTLINK_LOCAL_STATE_DIR elsewhere).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..cfn_model import ROOT

STATE_DIR = Path(os.environ.get("COSTLINK_LOCAL_STATE_DIR", ROOT / ".aws-sam" / "local-cloud"))
STATE = STATE_DIR / "state.json"
LOG = STATE_DIR / "cloud.log"
ACCOUNTS = {"customer": "012345678912", "vendor": "999988887777"}
DEFAULT_STACKS = {"vendor.yaml": ("CostLink-Vendor", "vendor"), "template.yaml": ("CostLink", "customer")}


# ---------------------------------------------------------------------------------------------------------- daemon
def serve() -> int:
    """The local AWS in this process, with a control endpoint the commands talk to."""
    from . import LocalCloud

    cloud = LocalCloud().start()
    token = secrets.token_urlsafe(24)
    stopping = threading.Event()
    lock = threading.Lock()  # one deployment at a time, as the commands are run by one person

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _send(self, status: int, body: dict):
            payload = json.dumps(body, default=str).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):
            if self.headers.get("Authorization") != f"Bearer {token}":
                return self._send(403, {"error": "not the local cloud's token"})
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            action = self.path.strip("/")
            if action == "down":
                self._send(200, {"stopping": True})
                stopping.set()
                return
            if action == "stacks":
                return self._send(200, {"stacks": [describe(r) for r in cloud.cloudformation.stacks.values()]})
            if action == "tick":
                at = datetime.fromisoformat(request["at"]) if request.get("at") else datetime.now(timezone.utc)
                fired = cloud.bridge.tick(request["account"], at)
                return self._send(200, {"fired": fired, "settled": cloud.settle()})
            if action not in ("deploy", "delete"):
                return self._send(404, {"error": f"no action {action}"})
            # Progress streams as lines (chunked), the last line is the result.
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def line(obj):
                data = (json.dumps(obj, default=str) + "\n").encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def progress(message, waiting=False):
                line({"progress": message})

            with lock:
                try:
                    if action == "deploy":
                        record = cloud.cloudformation.deploy(Path(request["template"]), request["stack_name"],
                                                             request["parameters"], request["account"],
                                                             progress=progress)
                    else:
                        record = cloud.cloudformation.delete(request["stack_name"], request["account"],
                                                             progress=progress)
                    line({"result": describe(record)})
                except Exception as e:  # noqa: BLE001 - whatever stopped it is the command's answer
                    line({"error": str(e)})
            self.wfile.write(b"0\r\n\r\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    state = {"pid": os.getpid(), "control": f"http://127.0.0.1:{server.server_address[1]}", "token": token,
             "endpoint": cloud.aws.endpoint, "ca_bundle": str(cloud.tls.cert),
             "services": {"bcm-data-exports": cloud.aws.exports.endpoint, "cur": cloud.aws.reports.endpoint},
             "accounts": {name: {"id": account, "access_key_id": cloud.aws.identity(account, "admin").key,
                                 "secret_access_key": cloud.aws.identity(account, "admin").secret}
                          for name, account in ACCOUNTS.items()}}
    fd = os.open(STATE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(state, f, indent=1)
    signal.signal(signal.SIGTERM, lambda *a: stopping.set())
    print(f"local AWS ready: {cloud.aws.endpoint}", flush=True)
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        cloud.stop()
        STATE.unlink(missing_ok=True)
    return 0


def describe(record) -> dict:
    return {"name": record.name, "account": record.account, "status": record.status, "stack_id": record.stack_id,
            "seconds": round(record.seconds, 1),
            "resources": {r.logical_id: {"type": r.type, "physical_id": r.physical_id, "deleted": r.deleted}
                          for r in record.resources.values()},
            "retained": record.retained, "outputs": record.outputs}


# ---------------------------------------------------------------------------------------------------------- client
def state() -> dict | None:
    if not STATE.exists():
        return None
    s = json.loads(STATE.read_text())
    try:
        os.kill(s["pid"], 0)
    except OSError:
        return None
    return s


def up(quiet: bool = False) -> dict:
    s = state()
    if s:
        return s
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    with open(LOG, "ab") as log:
        subprocess.Popen([sys.executable, "-m", "costlink_tools.local_cloud.cli", "serve"], env=env, stdout=log,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        s = state()
        if s:
            if not quiet:
                print(f"local AWS started: {s['endpoint']} (log {LOG})", file=sys.stderr)
            return s
        time.sleep(0.5)
    raise SystemExit(f"the local AWS did not start; see {LOG}")


def call(s: dict, action: str, body: dict, stream: bool = False):
    request = urllib.request.Request(f"{s['control']}/{action}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {s['token']}",
                                              "Content-Type": "application/json"})
    response = urllib.request.urlopen(request, timeout=3600)
    if not stream:
        return json.loads(response.read())
    return (json.loads(line) for line in response)


def parse_overrides(values: list[str]) -> dict:
    from ..invoke import parse_overrides as parse
    return parse(values)


def account_id(name: str) -> str:
    return ACCOUNTS.get(name, name)


def run_stack_action(action: str, args) -> int:
    template = Path(args.template).resolve()
    default_name, default_account = DEFAULT_STACKS.get(template.name, (template.stem, "customer"))
    body = {"template": str(template), "stack_name": args.stack_name or default_name,
            "account": account_id(args.account or default_account)}
    if action == "deploy":
        body["parameters"] = parse_overrides(args.parameter_overrides)
    s = up() if action == "deploy" else state()
    if not s:
        print("the local AWS is not running (./costlink local up)", file=sys.stderr)
        return 1
    result = None
    for item in call(s, action, body, stream=True):
        if "progress" in item:
            print(f"  {item['progress']}", flush=True)
        else:
            result = item
    if not result or "error" in result:
        print(f"{action} failed: {result['error'] if result else 'no answer'}", file=sys.stderr)
        return 1
    stack = result["result"]
    print(f"{stack['name']}: {stack['status']} in account {stack['account']} ({stack['seconds']} s)")
    for key, value in stack["outputs"].items():
        print(f"  {key:<28} {value}")
    if stack["retained"]:
        print(f"  retained: {', '.join(stack['retained'])}")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="costlink local", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start the local AWS in the background")
    sub.add_parser("down", help="stop it (everything deployed is gone)")
    sub.add_parser("serve", help="run the local AWS in the foreground (what `up` starts)")
    sub.add_parser("stacks", help="the deployed stacks, their resources and outputs (JSON)")
    for name in ("deploy", "delete"):
        c = sub.add_parser(name, help=f"{name} a stack")
        if name == "deploy":
            c.add_argument("template", help="template.yaml or vendor.yaml")
        else:
            c.add_argument("template", nargs="?", default="template.yaml",
                           help="the template the stack was deployed from (default template.yaml)")
        c.add_argument("--stack-name", help="default: CostLink (template.yaml), CostLink-Vendor (vendor.yaml)")
        c.add_argument("--account", help="customer, vendor or a 12-digit id (default: the template's)")
        if name == "deploy":
            c.add_argument("--parameter-overrides", nargs="+", default=[], metavar="Key=Value")
    e = sub.add_parser("env", help="shell exports to reach the local AWS as one account's administrator")
    e.add_argument("--account", default="customer", choices=sorted(ACCOUNTS))
    t = sub.add_parser("tick", help="fire the account's scheduled rules once (the verifier's schedule)")
    t.add_argument("--account", default="vendor", choices=sorted(ACCOUNTS))
    t.add_argument("--at", help="ISO time of the tick (default now), e.g. 2026-12-01T10:00:00+00:00")
    args = p.parse_args(argv)

    if args.command == "serve":
        return serve()
    if args.command == "up":
        s = up(quiet=True)
        print(f"local AWS: {s['endpoint']} (control {s['control']}, log {LOG})")
        return 0
    if args.command in ("deploy", "delete"):
        return run_stack_action(args.command, args)
    s = state()
    if not s:
        print("the local AWS is not running (./costlink local up)", file=sys.stderr)
        return 1 if args.command != "down" else 0
    if args.command == "down":
        call(s, "down", {})
        print("local AWS stopped")
        return 0
    if args.command == "stacks":
        print(json.dumps(call(s, "stacks", {}), indent=1))
        return 0
    if args.command == "tick":
        print(json.dumps(call(s, "tick", {"account": account_id(args.account), "at": args.at})))
        return 0
    if args.command == "env":
        a = s["accounts"][args.account]
        print(f"export AWS_ENDPOINT_URL={s['endpoint']} AWS_CA_BUNDLE={s['ca_bundle']} AWS_REGION=us-east-1")
        print(f"export AWS_ENDPOINT_URL_BCM_DATA_EXPORTS={s['services']['bcm-data-exports']} "
              f"AWS_ENDPOINT_URL_COST_AND_USAGE_REPORT_SERVICE={s['services']['cur']}")
        print(f"export AWS_ACCESS_KEY_ID={a['access_key_id']} AWS_SECRET_ACCESS_KEY={a['secret_access_key']}")
        print("unset AWS_SESSION_TOKEN AWS_PROFILE")
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
