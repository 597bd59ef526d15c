"""Reaching the vendor stack's resources from a command: an AWS session in the stack's region, clients that talk to a
local emulator when --endpoint-url (or AWS_ENDPOINT_URL, which boto3 reads itself) is given, and the stack's outputs
(table names, RegistryUrl) for whatever a command was not told explicitly."""
from __future__ import annotations

import boto3

DEFAULT_STACK = "CostLink-Vendor"


class VendorStack:
    def __init__(self, region: str = "us-east-1", endpoint_url: str | None = None, stack_name: str = DEFAULT_STACK):
        self.session = boto3.session.Session(region_name=region)
        self.endpoint_url = endpoint_url
        self.stack_name = stack_name
        self._outputs: dict | None = None

    def client(self, service: str):
        return self.session.client(service, **({"endpoint_url": self.endpoint_url} if self.endpoint_url else {}))

    def outputs(self) -> dict[str, str]:
        if self._outputs is None:
            stack = self.client("cloudformation").describe_stacks(StackName=self.stack_name)["Stacks"][0]
            self._outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        return self._outputs

    def output(self, given: str | None, key: str) -> str:
        """`given` when the command was told it, else the stack's output `key` (described once)."""
        if given:
            return given
        outputs = self.outputs()
        if key not in outputs:
            raise SystemExit(f"stack {self.stack_name} has no output {key}: is it the CostLink vendor stack?")
        return outputs[key]


def add_arguments(parser, tables=()):
    """The options every vendor-stack command takes: which stack, where it is, and any table it is told explicitly
    (`--<name>-table`, else the stack's output)."""
    parser.add_argument("--stack-name", default=DEFAULT_STACK)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--endpoint-url", help="a local emulator (moto) instead of AWS")
    for table in tables:
        parser.add_argument(f"--{table}-table")


def from_arguments(args) -> VendorStack:
    return VendorStack(args.region, args.endpoint_url, args.stack_name)
