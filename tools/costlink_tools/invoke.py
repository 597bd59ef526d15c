"""Invoke a built function locally as Lambda would (what `sam local invoke -e` does, without Docker)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cfn_model import ROOT
from .lambda_runner import FunctionSpec, LambdaRunner


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="costlink invoke", description=__doc__)
    p.add_argument("function", help="logical id of the function in template.yaml, e.g. ConnectionCallbackFunction")
    p.add_argument("-e", "--event", required=True, type=Path, help="event file, e.g. events/connection-create.json")
    p.add_argument("-n", "--env-vars", type=Path, help="JSON {\"Variables\": {...}} or {\"<LogicalId>\": {...}} as sam's")
    p.add_argument("--timeout", type=int, help="override the template's Timeout (seconds)")
    p.add_argument("-t", "--template", type=Path, default=None)
    args = p.parse_args(argv)

    spec = FunctionSpec.from_template(args.function, *( [args.template] if args.template else []))
    env = {}
    if args.env_vars:
        doc = json.loads(args.env_vars.read_text())
        env = doc.get(args.function) or doc.get("Parameters") or doc.get("Variables") or {}
    template = args.template or ROOT / "template.yaml"
    # `sam build --config-env vendor` builds vendor.yaml into .aws-sam/vendor (samconfig.toml).
    build_dir = ROOT / ".aws-sam" / ("vendor" if template.name == "vendor.yaml" else "build")
    runner = LambdaRunner(spec, env={k: str(v) for k, v in env.items()}, timeout=args.timeout,
                          code_dir=build_dir / args.function)
    with runner:
        invocation = runner.invoke(args.event.read_bytes())
        sys.stderr.write(runner.logs())
    sys.stderr.write(f"\nDuration: {invocation.seconds * 1000:.0f} ms (including the cold start)\n")
    print(invocation.payload.decode(errors="replace"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
