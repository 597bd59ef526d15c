"""`costlink status`: the fleet of connections in a terminal table, from the vendor stack's registry.

One row per connection: tenant, account and role, whether the account belongs to an organisation connection (ORG:
payer; payer+org for a payer whose stack deploys the member role to organisation targets; member for a linked
account's own stack or a member account the verifier connected through its payer; "-" when the registry does not
say), status (the verifier's HEALTHY, DEGRADED or UNHEALTHY; PENDING while the vendor has not proved the role, or
while the tenant's policy holds the account for approval; REVOKED once the customer deleted the stack, or once a
member account left the targets or was suspended; UNCHECKED before the first verification), how long ago the newest
valid CUR delivery arrived, the organisation's coverage when the registry holds one (connected of active accounts),
and each failing check with its cause, the payer's organization-coverage check included; for a PENDING connection,
why it is pending and whether it is held for approval (`costlink tenant approve` releases it).

Against the deployed vendor stack, table names come from its outputs (--stack-name, default CostLink-Vendor). Against
a local emulator, pass --endpoint-url (or set AWS_ENDPOINT_URL) and the --*-table names. --json prints the same rows
for scripts. Reads only names, statuses and times: never a tenant's ExternalId.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError

from .registry_schema import (ACCOUNT_TYPE_LINKED, ACCOUNT_TYPE_ROOT, Connections, Deliveries, Facts, Organization,
                              Tenants)
from . import vendor_stack
from .vendor_stack import VendorStack

STATUSES = ["HEALTHY", "DEGRADED", "UNHEALTHY", "PENDING", "REVOKED", "UNCHECKED"]
FAILING_RESULTS = ("FAIL", "WARN")
CUR_KINDS = ("CUR2", "CUR1")  # delivery kinds of the callback contract that are cost and usage reports
DETAIL_CHARS = 110
REASON_CHARS = 200  # a pending reason is shown whole: the registry's and the verifier's reasons are shorter
COLUMNS = ["TENANT", "ACCOUNT", "ROLE", "ORG", "STATUS", "LAST VALID CUR", "COVERAGE", "FAILING CHECKS"]
COVERAGE_CHECK = "organization-coverage"  # dev.costlink.verifier.Coverage.CHECK


@dataclass
class ConnectionStatus:
    tenant: str
    tenant_id: str
    account_id: str
    role_arn: str
    status: str
    organisation: str
    checked_at: int | None = None
    failing: list[dict] = field(default_factory=list)
    last_valid: dict[str, int] = field(default_factory=dict)  # export key (kind#name) -> epoch seconds
    coverage: dict | None = None
    pending: dict | None = None  # PENDING only: {"reason": text, "held": whether held for the vendor's approval}

    @property
    def role_name(self) -> str:
        return self.role_arn.rsplit("/", 1)[-1] if self.role_arn else "-"

    def last_valid_cur(self) -> int | None:
        times = [at for export, at in self.last_valid.items() if export.split("#", 1)[0] in CUR_KINDS]
        return max(times) if times else None


# ---------------------------------------------------------------------------------------------------- reading
_DESERIALIZE = TypeDeserializer().deserialize


def plain(value):
    """A DynamoDB attribute value as plain Python: boto3's reading, with numbers as int or float."""
    return _plain_numbers(_DESERIALIZE(value))


def _plain_numbers(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, dict):
        return {k: _plain_numbers(x) for k, x in v.items()}
    if isinstance(v, (list, set)):
        return [_plain_numbers(x) for x in v]
    return v


def scan(ddb, table: str, attributes: list[str]) -> list[dict]:
    names = {f"#a{i}": a for i, a in enumerate(attributes)}
    items, start = [], None
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        page = ddb.scan(TableName=table, ProjectionExpression=", ".join(names), ExpressionAttributeNames=names, **kw)
        items += [{k: plain(v) for k, v in i.items()} for i in page.get("Items", [])]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def connection_status(item: dict, tenant_name: str | None, deliveries: dict[str, int]) -> ConnectionStatus:
    """One row from a connections item; an attribute of an unexpected shape reads as absent, never as a crash."""
    tenant = str(item[Connections.TENANT])
    pending = None
    if item.get(Connections.STATUS) == Connections.REVOKED:
        status = "REVOKED"
    elif item.get(Connections.STATUS) == Connections.PENDING:
        status = "PENDING"
        pending = {"reason": _text(item.get(Connections.PENDING_REASON), "no reason recorded"),
                   "held": item.get(Connections.APPROVAL) == Connections.APPROVAL_REQUIRED}
    else:
        health = item.get(Connections.HEALTH_STATUS)
        status = health if health in ("HEALTHY", "DEGRADED", "UNHEALTHY") else "UNCHECKED"
    checks = item.get(Connections.HEALTH_CHECKS)
    failing = [{"name": str(c.get(Connections.CHECK_NAME, "?")), "result": c[Connections.CHECK_RESULT],
                "detail": str(c.get(Connections.CHECK_DETAIL, ""))}
               for c in (checks if isinstance(checks, list) else [])
               if isinstance(c, dict) and c.get(Connections.CHECK_RESULT) in FAILING_RESULTS]
    coverage = item.get(Connections.COVERAGE)
    if isinstance(coverage, dict) and coverage.get(Connections.COVERAGE_RESULT) in FAILING_RESULTS:
        # The organisation's coverage is a check of the payer connection, kept apart from its own checks.
        failing.append({"name": COVERAGE_CHECK, "result": coverage[Connections.COVERAGE_RESULT],
                        "detail": str(coverage.get(Connections.COVERAGE_DETAIL, ""))})
    checked_at = item.get(Connections.HEALTH_CHECKED_AT)
    return ConnectionStatus(
        tenant=tenant_name if isinstance(tenant_name, str) else tenant[:12], tenant_id=tenant[:12],
        account_id=_text(item.get(Connections.ACCOUNT_ID)), role_arn=_text(item.get(Connections.ROLE_ARN), ""),
        status=status, organisation=organisation(item),
        checked_at=checked_at if isinstance(checked_at, int) else None,
        failing=[] if status in ("REVOKED", "PENDING") else failing, last_valid=deliveries,
        coverage=coverage if isinstance(coverage, dict) else None, pending=pending)


def _text(value, missing: str = "-") -> str:
    return value if isinstance(value, str) and value else missing


def organisation(item: dict) -> str:
    """payer+org: a payer whose stack deploys the member role to organisation targets; member: a linked account's
    own stack, or a member account the verifier connected through its payer (organizationConnection)."""
    facts = item.get(Connections.FACTS)
    facts = facts if isinstance(facts, dict) else {}
    account_type = facts.get(Facts.ACCOUNT_TYPE)
    if account_type == ACCOUNT_TYPE_ROOT:
        org = facts.get(Facts.ORGANIZATION)
        targets = org.get(Organization.TARGETS) if isinstance(org, dict) else None
        return "payer+org" if isinstance(targets, list) and targets else "payer"
    if account_type == ACCOUNT_TYPE_LINKED or isinstance(item.get(Connections.ORGANIZATION_CONNECTION), str):
        return "member"
    return "-"


def read_fleet(stack: VendorStack, tenants_table: str, connections_table: str, deliveries_table: str):
    ddb = stack.client("dynamodb")
    tenants = {t[Tenants.KEY]: t.get(Tenants.NAME) for t in scan(ddb, tenants_table, [Tenants.KEY, Tenants.NAME])}
    deliveries: dict[str, dict[str, int]] = {}
    for d in scan(ddb, deliveries_table, [Deliveries.TENANT_ACCOUNT, Deliveries.EXPORT, Deliveries.LAST_VALID_AT]):
        if isinstance(d.get(Deliveries.LAST_VALID_AT), int) and isinstance(d.get(Deliveries.EXPORT), str):
            deliveries.setdefault(d[Deliveries.TENANT_ACCOUNT], {})[d[Deliveries.EXPORT]] = int(d[Deliveries.LAST_VALID_AT])
    items = scan(ddb, connections_table, [
        Connections.TENANT, Connections.CONNECTION, Connections.STATUS, Connections.ACCOUNT_ID, Connections.ROLE_ARN,
        Connections.FACTS, Connections.HEALTH_STATUS, Connections.HEALTH_CHECKS, Connections.HEALTH_CHECKED_AT,
        Connections.COVERAGE, Connections.ORGANIZATION_CONNECTION, Connections.PENDING_REASON, Connections.APPROVAL])
    rows = []
    for item in items:
        key = f"{item[Connections.TENANT]}#{item.get(Connections.ACCOUNT_ID)}"  # RegistrySchema.Deliveries.partitionKey
        rows.append(connection_status(item, tenants.get(item[Connections.TENANT]), deliveries.get(key, {})))
    return sorted(rows, key=lambda r: (r.tenant.lower(), r.account_id, r.role_arn))


def select(rows: list[ConnectionStatus], tenant: str | None, statuses: set[str]) -> list[ConnectionStatus]:
    """--tenant matches a tenant's name (any case) or the start of its id (at least 6 hex digits)."""
    def tenant_matches(r):
        if tenant is None:
            return True
        t = tenant.strip().lower()
        return r.tenant.lower() == t or (len(t) >= 6 and r.tenant_id.startswith(t))
    return [r for r in rows if tenant_matches(r) and (not statuses or r.status in statuses)]


# ---------------------------------------------------------------------------------------------------- rendering
def age(seconds_ago: float) -> str:
    minutes = max(0, int(seconds_ago // 60))
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    return f"{hours // 24}d {hours % 24}h"


def coverage_text(coverage: dict | None) -> str:
    if not coverage:
        return "-"
    covered, accounts = coverage.get(Connections.COVERAGE_COVERED), coverage.get(Connections.COVERAGE_ACCOUNTS)
    if isinstance(covered, (int, float)) and isinstance(accounts, (int, float)) and accounts > 0:
        return f"{int(covered)}/{int(accounts)} ({100 * covered / accounts:.0f}%)"
    return "-"


def printable(text: str) -> str:
    """Registry text as a terminal may show it: no control characters (an escape sequence in a tenant's name would
    otherwise reach the terminal)."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


def one_line(text: str, limit: int = DETAIL_CHARS) -> str:
    first = printable(" ".join(str(text).split()))
    return first if len(first) <= limit else first[:limit - 1] + "…"


def table(rows: list[ConnectionStatus], now: datetime) -> str:
    epoch = now.timestamp()
    lines = []
    for r in rows:
        last = r.last_valid_cur()
        cells = [printable(c) for c in (r.tenant, r.account_id, r.role_name, r.organisation, r.status,
                                        "never" if last is None else age(epoch - last), coverage_text(r.coverage))]
        checks = [f"{printable(c['name'])} {c['result']}: {one_line(c['detail'])}" for c in r.failing] or ["-"]
        if r.pending:
            checks = [("held for approval: " if r.pending["held"] else "not proved: ") + one_line(r.pending["reason"], REASON_CHARS)]
        lines.append(cells + [checks[0]])
        lines += [[""] * len(cells) + [c] for c in checks[1:]]
    widths = [max([len(COLUMNS[i])] + [len(line[i]) for line in lines]) for i in range(len(COLUMNS) - 1)]
    out = ["  ".join(h.ljust(w) for h, w in zip(COLUMNS, widths)) + "  " + COLUMNS[-1]]
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths)) + "  " + line[-1] for line in lines]
    summary = ", ".join(f"{sum(1 for r in rows if r.status == s)} {s.lower()}" for s in STATUSES
                        if any(r.status == s for r in rows))
    out.append(f"{len(rows)} connection{'s' if len(rows) != 1 else ''}" + (f": {summary}" if summary else ""))
    return "\n".join(line.rstrip() for line in out) + "\n"


def as_json(rows: list[ConnectionStatus], now: datetime) -> list[dict]:
    epoch = now.timestamp()

    def at(seconds):
        return None if seconds is None else datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    out = []
    for r in rows:
        last = r.last_valid_cur()
        out.append({
            "tenant": r.tenant, "tenantId": r.tenant_id, "accountId": r.account_id, "roleArn": r.role_arn,
            "organisation": None if r.organisation == "-" else r.organisation, "status": r.status,
            "checkedAt": at(r.checked_at), "failingChecks": r.failing,
            "lastValidCur": None if last is None else {"at": at(last), "ageHours": round((epoch - last) / 3600, 2)},
            "lastValidDeliveries": [{"export": e, "at": at(t)} for e, t in sorted(r.last_valid.items())],
            "coverage": r.coverage, "pending": r.pending})
    return out


# ---------------------------------------------------------------------------------------------------- command
def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError("must be an ISO-8601 time such as 2026-06-03T12:00:00Z") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("must name its time zone, e.g. 2026-06-03T12:00:00Z")
    return value


def parse_statuses(values: list[str] | None) -> set[str]:
    chosen = {s.strip().upper() for v in values or [] for s in v.split(",") if s.strip()}
    unknown = chosen - set(STATUSES)
    if unknown:
        raise SystemExit(f"costlink status: --status takes {', '.join(STATUSES)}")
    return chosen


def main(argv=None, now: datetime | None = None, out=None) -> int:
    p = argparse.ArgumentParser(prog="costlink status", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tenant", help="a tenant's name, or the start of its tenant id")
    p.add_argument("--status", action="append", help="only these statuses (repeat, or comma-separated): "
                                                      + ", ".join(STATUSES))
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--at", type=parse_time, help="judge ages as of this time (default: now)")
    vendor_stack.add_arguments(p, tables=("tenants", "connections", "deliveries"))
    args = p.parse_args(argv)
    statuses = parse_statuses(args.status)
    out = out or sys.stdout
    when = args.at or now or datetime.now(timezone.utc)
    stack = vendor_stack.from_arguments(args)
    try:
        rows = read_fleet(stack, stack.output(args.tenants_table, "TenantsTableName"),
                          stack.output(args.connections_table, "ConnectionsTableName"),
                          stack.output(args.deliveries_table, "DeliveriesTableName"))
    except ClientError as e:
        print(f"costlink status: cannot read the registry: {e.response['Error'].get('Code', 'error')}", file=sys.stderr)
        return 2
    except BotoCoreError as e:
        print(f"costlink status: cannot reach AWS: {type(e).__name__}", file=sys.stderr)
        return 2
    rows = select(rows, args.tenant, statuses)
    if args.json:
        out.write(json.dumps(as_json(rows, when), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(table(rows, when))
    return 0


if __name__ == "__main__":
    sys.exit(main())
