"""Invoke a built function locally as Lambda would (what `sam local invoke -e` does, without Docker).

The function's handler, timeout, memory and environment come from the template as `sam local invoke` reads them:
Globals merged, every intrinsic resolved with the parameters' defaults and --parameter-overrides (a Ref to a parameter
is its value, a Ref to a resource its logical id; Conditions, Fn::If and AWS::NoValue too, which sam leaves empty),
then --env-vars on top. The code is `sam build`'s output
(.aws-sam/build for template.yaml, .aws-sam/vendor for vendor.yaml).
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from .cfn_model import ROOT
from .lambda_runner import FunctionSpec, LambdaRunner


def parse_overrides(values: list[str]) -> dict:
    """sam's --parameter-overrides forms: 'Key=Value' (space separated, quoted values allowed) or
    'ParameterKey=Key,ParameterValue=Value'."""
    out = {}
    for token in shlex.split(" ".join(values)):
        if token.startswith("ParameterKey="):
            parts = dict(p.split("=", 1) for p in token.split(",", 1))
            out[parts["ParameterKey"]] = parts.get("ParameterValue", "")
        elif "=" in token:
            key, value = token.split("=", 1)
            out[key] = value
        else:
            raise SystemExit("--parameter-overrides: expected Key=Value, got a token without '='")
    return out


def build_dir_for(template: Path) -> Path:
    # `sam build --config-env vendor` builds vendor.yaml into .aws-sam/vendor (samconfig.toml).
    return ROOT / ".aws-sam" / ("vendor" if template.name == "vendor.yaml" else "build")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="costlink invoke", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("function", help="logical id of the function, e.g. ConnectionCallbackFunction")
    p.add_argument("-e", "--event", required=True, type=Path, help="event file, e.g. events/connection-create.json")
    p.add_argument("-t", "--template", type=Path, default=ROOT / "template.yaml",
                   help="template.yaml (default) or vendor.yaml")
    p.add_argument("--parameter-overrides", nargs="+", default=[], metavar="Key=Value",
                   help="template parameters, as sam takes them")
    p.add_argument("-n", "--env-vars", type=Path,
                   help='JSON {"Parameters": {...}} and/or {"<LogicalId>": {...}}, as sam takes it')
    p.add_argument("--timeout", type=int, help="override the template's Timeout (seconds)")
    args = p.parse_args(argv)

    spec = FunctionSpec.resolved(args.function, args.template, parse_overrides(args.parameter_overrides))
    env = {}
    if args.env_vars:
        doc = json.loads(args.env_vars.read_text())
        env = {**(doc.get("Parameters") or doc.get("Variables") or {}), **(doc.get(args.function) or {})}
    runner = LambdaRunner(spec, env={k: (None if v is None else str(v)) for k, v in env.items()},
                          timeout=args.timeout, code_dir=build_dir_for(args.template) / args.function)
    with runner:
        invocation = runner.invoke(args.event.read_bytes())
        sys.stderr.write(runner.logs())
    sys.stderr.write(f"\nDuration: {invocation.seconds * 1000:.0f} ms (including the cold start)\n")
    print(invocation.payload.decode(errors="replace"))
    return 0  # as sam local invoke: a function error is the payload printed, not the command's failure


if __name__ == "__main__":
    raise SystemExit(main())
