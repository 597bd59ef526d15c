"""`costlink tenant create|approve`: create a tenant, or approve a connection its policy holds.

`costlink tenant create --name <name> [--allowed-accounts IDS] [--allowed-organizations IDS]`: generate a tenant's
ExternalId, store it in the registry, print the one-click link that launches the connection stack with
VendorAccountId, ExternalId and CallbackUrl filled in. --allowed-accounts (12-digit account ids) and
--allowed-organizations (o-... ids), comma-separated, are the tenant's policy: a connection from an account outside
both (its id, or for a payer the organisation it reports) is held PENDING for the vendor's approval instead of being
proved and made ACTIVE. Without either, any account is accepted.

`costlink tenant approve (--tenant-name NAME | --external-id-sha256 HEX) --account ID`: approve the tenant's held
PENDING connections of that account; the verifier's next run proves their roles and makes them ACTIVE.

Against the deployed vendor stack, tables and CallbackUrl come from its outputs (--stack-name, default
CostLink-Vendor), and the vendor account from STS. Against a local emulator, pass --endpoint-url, the --*-table names,
--callback-url and --vendor-account-id. No message quotes a value it refuses, and none prints a stored ExternalId.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import secrets
import sys
import time
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError

from . import vendor_stack
from .registry_schema import Connections, Tenants

CONSOLE = "https://{region}.console.aws.amazon.com/cloudformation/home?region={region}#/stacks/quickcreate"
ACCOUNT_ID = re.compile(r"[0-9]{12}")
ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}")  # Organizations' Id pattern (botocore organizations model)
TENANT_KEY = re.compile(r"[0-9a-f]{64}")
APPROVED_REASON = "approved by the vendor: the verifier proves the role on its next run"


def new_external_id() -> str:
    # 256 random bits in the characters STS allows for an ExternalId ([\w+=,.@:/-], 2-1224 long).
    return "cl-" + secrets.token_urlsafe(32)


def quick_create_link(template_url: str, vendor_account: str, external_id: str, callback_url: str,
                      stack_name: str = "CostLink", region: str = "us-east-1") -> str:
    params = {"templateURL": template_url, "stackName": stack_name, "param_VendorAccountId": vendor_account,
              "param_ExternalId": external_id, "param_CallbackUrl": callback_url}
    return CONSOLE.format(region=region) + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


def tenant_item(external_id: str, name: str, now: int, allowed_accounts: list[str] | None = None,
                allowed_organizations: list[str] | None = None) -> dict:
    """The Tenants item, in dev.costlink.common.RegistrySchema.Tenants' names (tests/test_registry_schema.py checks);
    the policy lists only when given (absent = any account)."""
    item = {"externalIdSha256": {"S": hashlib.sha256(external_id.encode()).hexdigest()},
            "externalId": {"S": external_id}, "name": {"S": name}, "status": {"S": "ACTIVE"},
            "createdAt": {"N": str(now)}}
    for attribute, values in ((Tenants.ALLOWED_ACCOUNTS, allowed_accounts),
                              (Tenants.ALLOWED_ORGANIZATIONS, allowed_organizations)):
        if values:
            item[attribute] = {"L": [{"S": v} for v in values]}
    return item


def id_list(pattern: re.Pattern, what: str):
    """An argparse type: a comma-separated list of ids matching `pattern`, without duplicates; a refusal names the
    rule, never the value."""
    def parse(text: str) -> list[str]:
        values = [v.strip() for v in text.split(",") if v.strip()]
        if not values:
            raise argparse.ArgumentTypeError(f"must name at least one {what}")
        if not all(pattern.fullmatch(v) for v in values):
            raise argparse.ArgumentTypeError(f"each entry must be {what}")
        return list(dict.fromkeys(values))
    return parse


def tenant_key(text: str) -> str:
    value = text.strip().lower()
    if not TENANT_KEY.fullmatch(value):
        raise argparse.ArgumentTypeError("must be the 64 hex digits of the SHA-256 of the tenant's ExternalId")
    return value


def account_id(text: str) -> str:
    value = text.strip()
    if not ACCOUNT_ID.fullmatch(value):
        raise argparse.ArgumentTypeError("must be a 12-digit AWS account id")
    return value


def create(args) -> int:
    stack = vendor_stack.from_arguments(args)
    table = stack.output(args.tenants_table, "TenantsTableName")
    callback = stack.output(args.callback_url, "RegistryUrl")
    account = args.vendor_account_id or stack.client("sts").get_caller_identity()["Account"]
    external_id = new_external_id()
    digest = hashlib.sha256(external_id.encode()).hexdigest()
    stack.client("dynamodb").put_item(
        TableName=table, Item=tenant_item(external_id, args.name, int(time.time()), args.allowed_accounts,
                                          args.allowed_organizations),
        ConditionExpression="attribute_not_exists(externalIdSha256)")
    print(f"Tenant {args.name!r} created (tenant id {digest[:12]}).")
    if args.allowed_accounts or args.allowed_organizations:
        print("Accepted without approval: accounts " + (", ".join(args.allowed_accounts or []) or "none")
              + "; organisations " + (", ".join(args.allowed_organizations or []) or "none") + ".")
    print(f"ExternalId (secret; shown once, give it only to this customer): {external_id}")
    print("One-click connection stack link:")
    print(quick_create_link(args.template_url, account, external_id, callback))
    return 0


def find_tenant(ddb, table: str, name: str | None, key: str | None) -> str:
    """The tenant's key: `key` when that tenant exists, else the one tenant named `name` (any case)."""
    if key:
        found = ddb.get_item(TableName=table, Key={Tenants.KEY: {"S": key}},
                             ProjectionExpression="#k", ExpressionAttributeNames={"#k": Tenants.KEY}).get("Item")
        if not found:
            raise SystemExit("costlink tenant approve: no tenant has that ExternalId SHA-256")
        return key
    wanted = name.strip().lower()
    keys, start = [], None
    while True:
        page = ddb.scan(TableName=table, ProjectionExpression="#k, #n",
                        ExpressionAttributeNames={"#k": Tenants.KEY, "#n": Tenants.NAME},
                        **({"ExclusiveStartKey": start} if start else {}))
        keys += [i[Tenants.KEY]["S"] for i in page.get("Items", [])
                 if i.get(Tenants.NAME, {}).get("S", "").strip().lower() == wanted]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    if len(keys) != 1:
        raise SystemExit("costlink tenant approve: " + ("no tenant has that name" if not keys else
                         f"{len(keys)} tenants have that name: name one by --external-id-sha256"))
    return keys[0]


def held_connections(ddb, table: str, tenant: str, account: str) -> list[dict]:
    """The tenant's connections of `account` that are PENDING and held for approval (every page of the query)."""
    out, start = [], None
    while True:
        page = ddb.query(TableName=table, KeyConditionExpression="#t = :t",
                         FilterExpression="#a = :account AND #s = :pending AND #h = :required",
                         ExpressionAttributeNames={"#t": Connections.TENANT, "#a": Connections.ACCOUNT_ID,
                                                   "#s": Connections.STATUS, "#h": Connections.APPROVAL},
                         ExpressionAttributeValues={":t": {"S": tenant}, ":account": {"S": account},
                                                    ":pending": {"S": Connections.PENDING},
                                                    ":required": {"S": Connections.APPROVAL_REQUIRED}},
                         **({"ExclusiveStartKey": start} if start else {}))
        out += page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return out


def approve(args) -> int:
    stack = vendor_stack.from_arguments(args)
    ddb = stack.client("dynamodb")
    try:
        tenant = find_tenant(ddb, stack.output(args.tenants_table, "TenantsTableName"), args.tenant_name,
                             args.external_id_sha256)
        table = stack.output(args.connections_table, "ConnectionsTableName")
        approved = []
        for item in held_connections(ddb, table, tenant, args.account):
            try:
                # Only while it is still held and PENDING: a connection revoked or re-registered meanwhile is left as is.
                ddb.update_item(
                    TableName=table, Key={Connections.TENANT: item[Connections.TENANT],
                                          Connections.CONNECTION: item[Connections.CONNECTION]},
                    UpdateExpression="SET #h = :approved, #r = :reason",
                    ConditionExpression="#s = :pending AND #h = :required",
                    ExpressionAttributeNames={"#h": Connections.APPROVAL, "#r": Connections.PENDING_REASON,
                                              "#s": Connections.STATUS},
                    ExpressionAttributeValues={":approved": {"S": Connections.APPROVED},
                                               ":reason": {"S": APPROVED_REASON},
                                               ":pending": {"S": Connections.PENDING},
                                               ":required": {"S": Connections.APPROVAL_REQUIRED}})
                approved.append(item.get(Connections.ROLE_ARN, {}).get("S", "?"))
            except ClientError as e:
                if e.response["Error"].get("Code") != "ConditionalCheckFailedException":
                    raise
    except ClientError as e:
        print(f"costlink tenant approve: cannot update the registry: {e.response['Error'].get('Code', 'error')}",
              file=sys.stderr)
        return 2
    except BotoCoreError as e:
        print(f"costlink tenant approve: cannot reach AWS: {type(e).__name__}", file=sys.stderr)
        return 2
    if not approved:
        print(f"No held connection of account {args.account} for tenant {tenant[:12]}: nothing approved.",
              file=sys.stderr)
        return 1
    for role in approved:
        print(f"Approved {args.account} {role}: the verifier's next run proves the role and makes it ACTIVE.")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="costlink tenant", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create", help="create a tenant and print its quick-create link")
    c.add_argument("--name", required=True)
    c.add_argument("--allowed-accounts", type=id_list(ACCOUNT_ID, "a 12-digit AWS account id"),
                   help="comma-separated account ids accepted without approval")
    c.add_argument("--allowed-organizations", type=id_list(ORGANIZATION_ID, "an organisation id (o- and 10 to 32 "
                                                                          "lower-case letters or digits)"),
                   help="comma-separated organisation ids (o-...) accepted without approval")
    c.add_argument("--template-url", default="https://costlink-artifacts.s3.amazonaws.com/connection/packaged.yaml",
                   help="HTTPS URL of the packaged connection stack template (sam package output)")
    vendor_stack.add_arguments(c, tables=("tenants",))
    c.add_argument("--callback-url")
    c.add_argument("--vendor-account-id")
    a = sub.add_parser("approve", help="approve a tenant's held connections of one account")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--tenant-name", help="the tenant's name (any case)")
    who.add_argument("--external-id-sha256", type=tenant_key, help="the tenant's id: its ExternalId's SHA-256")
    a.add_argument("--account", required=True, type=account_id, help="the held connection's 12-digit account id")
    vendor_stack.add_arguments(a, tables=("tenants", "connections"))
    args = p.parse_args(argv)
    if args.command == "approve":
        if args.tenant_name is not None and not args.tenant_name.strip():
            p.error("--tenant-name must not be empty")
        return approve(args)
    if not args.name.strip():
        p.error("--name must not be empty")
    return create(args)


if __name__ == "__main__":
    sys.exit(main())
