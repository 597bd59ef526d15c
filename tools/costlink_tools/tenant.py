"""`costlink tenant create --name <name>`: generate a tenant's ExternalId, store it in the registry, print the
one-click link that launches the connection stack with VendorAccountId, ExternalId and CallbackUrl filled in.

Against the deployed vendor stack, table and CallbackUrl come from its outputs (--stack-name, default CostLink-Vendor),
and the vendor account from STS. Against a local emulator, pass --endpoint-url, --tenants-table, --callback-url and
--vendor-account-id.
"""
from __future__ import annotations

import argparse
import hashlib
import secrets
import sys
import time
from urllib.parse import quote

from . import vendor_stack

CONSOLE = "https://{region}.console.aws.amazon.com/cloudformation/home?region={region}#/stacks/quickcreate"


def new_external_id() -> str:
    # 256 random bits in the characters STS allows for an ExternalId ([\w+=,.@:/-], 2-1224 long).
    return "cl-" + secrets.token_urlsafe(32)


def quick_create_link(template_url: str, vendor_account: str, external_id: str, callback_url: str,
                      stack_name: str = "CostLink", region: str = "us-east-1") -> str:
    params = {"templateURL": template_url, "stackName": stack_name, "param_VendorAccountId": vendor_account,
              "param_ExternalId": external_id, "param_CallbackUrl": callback_url}
    return CONSOLE.format(region=region) + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


def tenant_item(external_id: str, name: str, now: int) -> dict:
    """The Tenants item, in dev.costlink.common.RegistrySchema.Tenants' names (tests/test_registry_schema.py checks)."""
    return {"externalIdSha256": {"S": hashlib.sha256(external_id.encode()).hexdigest()},
            "externalId": {"S": external_id}, "name": {"S": name}, "status": {"S": "ACTIVE"},
            "createdAt": {"N": str(now)}}


def create(args) -> int:
    stack = vendor_stack.from_arguments(args)
    table = stack.output(args.tenants_table, "TenantsTableName")
    callback = stack.output(args.callback_url, "RegistryUrl")
    account = args.vendor_account_id or stack.client("sts").get_caller_identity()["Account"]
    external_id = new_external_id()
    digest = hashlib.sha256(external_id.encode()).hexdigest()
    stack.client("dynamodb").put_item(
        TableName=table, Item=tenant_item(external_id, args.name, int(time.time())),
        ConditionExpression="attribute_not_exists(externalIdSha256)")
    print(f"Tenant {args.name!r} created (tenant id {digest[:12]}).")
    print(f"ExternalId (secret; shown once, give it only to this customer): {external_id}")
    print("One-click connection stack link:")
    print(quick_create_link(args.template_url, account, external_id, callback))
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="costlink tenant", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create", help="create a tenant and print its quick-create link")
    c.add_argument("--name", required=True)
    c.add_argument("--template-url", default="https://costlink-artifacts.s3.amazonaws.com/connection/packaged.yaml",
                   help="HTTPS URL of the packaged connection stack template (sam package output)")
    vendor_stack.add_arguments(c, tables=("tenants",))
    c.add_argument("--callback-url")
    c.add_argument("--vendor-account-id")
    args = p.parse_args(argv)
    if not args.name.strip():
        p.error("--name must not be empty")
    return create(args)


if __name__ == "__main__":
    sys.exit(main())
