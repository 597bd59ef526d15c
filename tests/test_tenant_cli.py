"""`costlink tenant create` with a tenant's policy (allowed accounts and organisations, validated, refused without
quoting), `costlink tenant approve` (only that tenant's held PENDING connections of that account, conditionally), and
`costlink status` showing PENDING connections with their reason and whether they are held, against a moto server."""
import hashlib
import io
import json

import pytest

from costlink_tools import status, tenant
from costlink_tools.demo import create_tables
from costlink_tools.lambda_runner import FAKE_CREDENTIALS
from costlink_tools.registry_schema import Connections, Tenants

SECRETS = {"Acme Corp": "cl-acme-tenant-cli-secret-0000000000000000000",
           "Beta Ltd": "cl-beta-tenant-cli-secret-1111111111111111111",
           "Twin": "cl-twin-one-tenant-cli-secret-222222222222222",
           "twin ": "cl-twin-two-tenant-cli-secret-333333333333333"}
TENANT = {name: hashlib.sha256(secret.encode()).hexdigest() for name, secret in SECRETS.items()}
HELD = "account outside the tenant's allowed accounts: held for the vendor's approval"
NOT_ASSUMED = "the vendor has not yet assumed the role"
HELD_ACCOUNT, OTHER_ACCOUNT = "111111111111", "222222222222"


def s(v):
    return {"S": v}


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    for k, v in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(k, v)


@pytest.fixture
def registry(moto, request):
    tables = create_tables(moto, suffix="-tenant-" + request.node.name[-40:].replace("[", "-").replace("]", ""))
    ddb = moto.client("dynamodb")
    for name, secret in SECRETS.items():
        ddb.put_item(TableName=tables["TenantsTable"], Item={
            "externalIdSha256": s(TENANT[name]), "externalId": s(secret), "name": s(name), "status": s("ACTIVE")})
    return moto, tables, ddb


def connection(ddb, tables, tenant_name, account, role="CostLink-ReadAccess", status_="PENDING", approval=None,
               reason=None):
    role_arn = f"arn:aws:iam::{account}:role/{role}"
    item = {"tenant": s(TENANT[tenant_name]), "connection": s(f"{account}#{role_arn}"), "status": s(status_),
            "accountId": s(account), "roleArn": s(role_arn), "lastEventId": s("evt-" + role)}
    if approval:
        item["approval"] = s(approval)
    if reason:
        item["pendingReason"] = s(reason)
    ddb.put_item(TableName=tables["ConnectionsTable"], Item=item)
    return item["tenant"], item["connection"]


def item(ddb, tables, key):
    tenant_key, connection_key = key
    return ddb.get_item(TableName=tables["ConnectionsTable"],
                        Key={"tenant": tenant_key, "connection": connection_key})["Item"]


def create(registry, *args):
    moto, tables, _ = registry
    return tenant.main(["create", "--endpoint-url", moto.endpoint, "--tenants-table", tables["TenantsTable"],
                        "--callback-url", "https://registry.example/events", "--vendor-account-id", "999999999999",
                        *args])


def approve(registry, *args):
    moto, tables, _ = registry
    return tenant.main(["approve", "--endpoint-url", moto.endpoint, "--tenants-table", tables["TenantsTable"],
                        "--connections-table", tables["ConnectionsTable"], *args])


def stored_tenant(registry, name):
    _, tables, ddb = registry
    for i in ddb.scan(TableName=tables["TenantsTable"])["Items"]:
        if i["name"]["S"] == name:
            return i
    raise AssertionError(name)


def test_create_stores_the_tenants_policy(registry, capsys):
    assert create(registry, "--name", "Policy Co", "--allowed-accounts", " 123456789012,210987654321 ,123456789012",
                  "--allowed-organizations", "o-ab12cd34ef") == 0
    t = stored_tenant(registry, "Policy Co")
    assert t[Tenants.ALLOWED_ACCOUNTS] == {"L": [s("123456789012"), s("210987654321")]}, "deduplicated, in order"
    assert t[Tenants.ALLOWED_ORGANIZATIONS] == {"L": [s("o-ab12cd34ef")]}
    assert "accounts 123456789012, 210987654321; organisations o-ab12cd34ef" in capsys.readouterr().out


def test_create_without_a_policy_accepts_any_account(registry):
    assert create(registry, "--name", "Open Co") == 0
    t = stored_tenant(registry, "Open Co")
    assert Tenants.ALLOWED_ACCOUNTS not in t and Tenants.ALLOWED_ORGANIZATIONS not in t


@pytest.mark.parametrize("option, value", [
    ("--allowed-accounts", "12345678901"), ("--allowed-accounts", "1234567890123"),
    ("--allowed-accounts", "123456789012,cl-secret-looking-value"), ("--allowed-accounts", " , "),
    ("--allowed-organizations", "o-ABCDEFGHIJ"), ("--allowed-organizations", "o-short"),
    ("--allowed-organizations", "o-" + "a" * 33), ("--allowed-organizations", "r-ab12cd34ef")])
def test_create_refuses_a_bad_policy_without_quoting_it_and_stores_nothing(registry, capsys, option, value):
    _, tables, ddb = registry
    before = ddb.scan(TableName=tables["TenantsTable"])["Count"]
    with pytest.raises(SystemExit) as e:
        create(registry, "--name", "Refused Co", option, value)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert option in err and (not value.strip(" ,") or value.strip(" ,") not in err.replace(option, ""))
    assert ddb.scan(TableName=tables["TenantsTable"])["Count"] == before


@pytest.mark.parametrize("who", [["--tenant-name", "acme corp"], ["--external-id-sha256", TENANT["Acme Corp"].upper()]])
def test_approve_releases_only_that_tenants_held_connections_of_that_account(registry, capsys, who):
    _, tables, ddb = registry
    held = [connection(ddb, tables, "Acme Corp", HELD_ACCOUNT, "Role-A", approval="REQUIRED", reason=HELD),
            connection(ddb, tables, "Acme Corp", HELD_ACCOUNT, "Role-B", approval="REQUIRED", reason=HELD)]
    untouched = [connection(ddb, tables, "Acme Corp", OTHER_ACCOUNT, "Role-A", approval="REQUIRED", reason=HELD),
                 connection(ddb, tables, "Acme Corp", HELD_ACCOUNT, "Role-C", reason=NOT_ASSUMED),
                 connection(ddb, tables, "Acme Corp", HELD_ACCOUNT, "Role-D", status_="ACTIVE"),
                 connection(ddb, tables, "Acme Corp", HELD_ACCOUNT, "Role-E", status_="REVOKED", approval="REQUIRED"),
                 connection(ddb, tables, "Beta Ltd", HELD_ACCOUNT, "Role-A", approval="REQUIRED", reason=HELD)]
    before = [item(ddb, tables, k) for k in untouched]
    assert approve(registry, *who, "--account", HELD_ACCOUNT) == 0
    for k in held:
        i = item(ddb, tables, k)
        assert (i["status"]["S"], i[Connections.APPROVAL]["S"]) == ("PENDING", "APPROVED")
        assert i[Connections.PENDING_REASON]["S"] == tenant.APPROVED_REASON
    assert [item(ddb, tables, k) for k in untouched] == before
    out = capsys.readouterr().out
    assert out.count("Approved 111111111111 arn:aws:iam::111111111111:role/Role-") == 2
    assert approve(registry, *who, "--account", HELD_ACCOUNT) == 1, "nothing left to approve"


def test_a_connection_released_or_revoked_meanwhile_is_left_as_it_is(registry, monkeypatch):
    _, tables, ddb = registry
    key = connection(ddb, tables, "Acme Corp", HELD_ACCOUNT, approval="REQUIRED", reason=HELD)
    found = tenant.held_connections

    def revoked_after_reading(*args):
        items = found(*args)
        ddb.update_item(TableName=tables["ConnectionsTable"], Key={"tenant": key[0], "connection": key[1]},
                        UpdateExpression="SET #s = :r", ExpressionAttributeNames={"#s": "status"},
                        ExpressionAttributeValues={":r": s("REVOKED")})
        return items
    monkeypatch.setattr(tenant, "held_connections", revoked_after_reading)
    assert approve(registry, "--tenant-name", "Acme Corp", "--account", HELD_ACCOUNT) == 1
    i = item(ddb, tables, key)
    assert (i["status"]["S"], i[Connections.APPROVAL]["S"]) == ("REVOKED", "REQUIRED")


@pytest.mark.parametrize("args, message", [
    (["--tenant-name", "Nobody Inc"], "no tenant has that name"),
    (["--tenant-name", "twin"], "2 tenants have that name: name one by --external-id-sha256"),
    (["--external-id-sha256", "0" * 64], "no tenant has that ExternalId SHA-256")])
def test_approve_names_exactly_one_tenant(registry, capsys, args, message):
    with pytest.raises(SystemExit) as e:
        approve(registry, *args, "--account", HELD_ACCOUNT)
    assert message in str(e.value) and "Nobody" not in str(e.value)


@pytest.mark.parametrize("args", [
    ["--tenant-name", "Acme Corp", "--account", "cl-secret-looking"],
    ["--tenant-name", "Acme Corp", "--account", "12345"],
    ["--external-id-sha256", "cl-secret-looking", "--account", HELD_ACCOUNT],
    ["--tenant-name", "Acme Corp", "--external-id-sha256", TENANT["Acme Corp"], "--account", HELD_ACCOUNT],
    ["--account", HELD_ACCOUNT]])
def test_approve_refuses_bad_arguments_without_quoting_them(registry, capsys, args):
    with pytest.raises(SystemExit) as e:
        approve(registry, *args)
    assert e.value.code == 2
    assert "cl-secret-looking" not in capsys.readouterr().err


def test_status_shows_pending_connections_with_their_reason_and_hold(registry):
    moto, tables, ddb = registry
    connection(ddb, tables, "Acme Corp", HELD_ACCOUNT, "Role-Held", approval="REQUIRED", reason=HELD)
    connection(ddb, tables, "Acme Corp", OTHER_ACCOUNT, "Role-Unproved", reason="the vendor cannot assume the role "
               "with the tenant's ExternalId (trust policy or ExternalId wrong, or the role is not yet visible to STS)")
    connection(ddb, tables, "Beta Ltd", "333333333333", "Role-Approved", approval="APPROVED",
               reason=tenant.APPROVED_REASON)
    args = ["--endpoint-url", moto.endpoint, "--tenants-table", tables["TenantsTable"], "--connections-table",
            tables["ConnectionsTable"], "--deliveries-table", tables["DeliveriesTable"]]
    out = io.StringIO()
    assert status.main(args, out=out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split("  ")[0] for line in lines[1:4]] == ["Acme Corp"] * 2 + ["Beta Ltd"]
    assert " PENDING " in lines[1] and lines[1].endswith("held for approval: " + HELD)
    assert lines[2].endswith("not proved: the vendor cannot assume the role with the tenant's ExternalId (trust "
                             "policy or ExternalId wrong, or the role is not yet visible to STS)")
    assert lines[3].endswith("not proved: " + tenant.APPROVED_REASON)
    assert lines[4] == "3 connections: 3 pending"
    out = io.StringIO()
    assert status.main(args + ["--json", "--status", "pending"], out=out) == 0
    rows = json.loads(out.getvalue())
    assert [(r["status"], r["pending"]["held"], r["failingChecks"]) for r in rows] == [
        ("PENDING", True, []), ("PENDING", False, []), ("PENDING", False, [])]
    assert rows[0]["pending"]["reason"] == HELD
    assert not any(secret in out.getvalue() for secret in SECRETS.values())
