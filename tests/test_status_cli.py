"""`costlink status` against the registry on a moto server: healthy, degraded, unhealthy, revoked, unchecked and
organisation connections (a payer with targets and its coverage, a member the verifier connected through it), judged
at a fixed time so every age in the golden output is stable; the names it reads are RegistrySchema's (read from the
Java source); it finds the tables from the vendor stack's outputs as `costlink tenant create` does; it never prints a
tenant's ExternalId."""
import hashlib
import io
import json
import os
import subprocess
from datetime import datetime, timezone

import pytest

from conftest import ROOT
from costlink_tools import registry_schema, status
from costlink_tools.demo import create_tables
from costlink_tools.lambda_runner import FAKE_CREDENTIALS
from support.registry_schema import constants

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=timezone.utc)
T = int(NOW.timestamp())
HOUR = 3600
SECRETS = {"Acme Corp": "cl-acme-secret-external-id-0000000000000000000",
           "Beta Ltd": "cl-beta-secret-external-id-1111111111111111111",
           "Gamma Group": "cl-gamma-secret-external-id-222222222222222222"}
TENANT = {name: hashlib.sha256(secret.encode()).hexdigest() for name, secret in SECRETS.items()}
MEMBER_ROLE = "CostLink-MemberReadAccess"
COVERAGE_CAUSE = ("12 of 15 active accounts in the organisation's targets are connected. Not connected, the member role "
                  "CostLink-MemberReadAccess cannot be assumed (3): 777777777777 (Sandbox), ...")
LONG_CAUSE = ("The newest CUR delivery is 76 hours old (alert after 48 h). The export may have been deleted or its "
              "bucket policy changed;\ncheck the export in the Billing console and the bucket policy.")


def s(v):
    return {"S": v}


def n(v):
    return {"N": str(v)}


def check(name, result, detail):
    return {"M": {"name": s(name), "result": s(result), "detail": s(detail)}}


def connection(tenant, account, facts=None, status_="ACTIVE", health=None, checks=(), checked_at=None,
               role_name="CostLink-ReadAccess", **extra):
    role = f"arn:aws:iam::{account}:role/{role_name}"
    item = {"tenant": s(TENANT[tenant]), "connection": s(f"{account}#{role}"), "status": s(status_),
            "accountId": s(account), "roleArn": s(role), "registeredAt": n(T - 90 * 24 * HOUR)}
    if facts is not None or role_name == "CostLink-ReadAccess":
        item["facts"] = {"M": facts or {}}
    if health:
        item.update(healthStatus=s(health), healthChecks={"L": list(checks)}, healthCheckedAt=n(checked_at or T - 600))
    item.update(extra)
    return item


def delivery(tenant, account, export, valid_hours_ago):
    item = {"tenantAccount": s(f"{TENANT[tenant]}#{account}"), "export": s(export), "updatedAt": n(T)}
    if valid_hours_ago is not None:
        item["lastValidAt"] = n(T - int(valid_hours_ago * HOUR))
    return item


ROOT_FACTS = {"accountType": s("Root"), "curVersion": s("CUR2"), "bucket": s("acme-billing")}
CONNECTIONS = [
    connection("Acme Corp", "111111111111", ROOT_FACTS, health="HEALTHY",
               checks=[check("assume-role", "PASS", "ok"), check("cur-freshness", "PASS", "fresh")]),
    connection("Acme Corp", "222222222222", {"accountType": s("Linked")}, health="DEGRADED",
               checks=[check("assume-role", "PASS", "ok"),
                       check("carbon-month", "WARN", "Carbon data for 2026-05 is missing (due by the 21st).")]),
    connection("Beta Ltd", "333333333333", {**ROOT_FACTS, "curVersion": s("CUR1")}, health="UNHEALTHY",
               checks=[check("assume-role", "PASS", "ok"), check("cur-freshness", "FAIL", LONG_CAUSE),
                       check("cur-report", "FAIL", "The CUR 1.0 report reports ERROR_PERMISSIONS: fix the bucket policy.")]),
    connection("Beta Ltd", "444444444444", ROOT_FACTS, status_="REVOKED", health="UNHEALTHY",
               checks=[check("assume-role", "FAIL", "Access denied")], revokedAt=n(T - 5 * 24 * HOUR)),
    connection("Gamma Group", "555555555555", {**ROOT_FACTS, "organization": {"M": {
        "organizationId": s("o-ab12cd34ef"), "targets": {"L": [s("r-ab12")]}, "memberRoleName": s(MEMBER_ROLE)}}},
               health="HEALTHY", checks=[check("assume-role", "PASS", "ok")],
               coverage={"M": {"covered": n(12), "accounts": n(15), "result": s("WARN"), "detail": s(COVERAGE_CAUSE),
                               "checkedAt": n(T - 600)}}),
    connection("Gamma Group", "666666666666", {"accountType": s("Linked")}),
    # A member account the verifier connected through the Gamma payer's organisation: no stack of its own, no facts.
    connection("Gamma Group", "777777777777", role_name=MEMBER_ROLE, health="UNHEALTHY",
               checks=[check("assume-role", "FAIL", "Cannot assume the role.")],
               organizationConnection=s("555555555555#arn:aws:iam::555555555555:role/CostLink-ReadAccess")),
]
DELIVERIES = [
    delivery("Acme Corp", "111111111111", "CUR2#CostLink-CUR-Export", 5),
    delivery("Acme Corp", "111111111111", "CARBON#CostLink-Carbon-Export", 20 * 24),
    delivery("Beta Ltd", "333333333333", "CUR1#CostLink-CUR1", 76),
    delivery("Beta Ltd", "333333333333", "CUR2#Old-Export", None),
    delivery("Beta Ltd", "444444444444", "CUR2#CostLink-CUR-Export", 0.5),
]

GOLDEN = """\
TENANT       ACCOUNT       ROLE                       ORG        STATUS     LAST VALID CUR  COVERAGE     FAILING CHECKS
Acme Corp    111111111111  CostLink-ReadAccess        payer      HEALTHY    5h              -            -
Acme Corp    222222222222  CostLink-ReadAccess        member     DEGRADED   never           -            carbon-month WARN: Carbon data for 2026-05 is missing (due by the 21st).
Beta Ltd     333333333333  CostLink-ReadAccess        payer      UNHEALTHY  3d 4h           -            cur-freshness FAIL: The newest CUR delivery is 76 hours old (alert after 48 h). The export may have been deleted or its bucket po…
                                                                                                         cur-report FAIL: The CUR 1.0 report reports ERROR_PERMISSIONS: fix the bucket policy.
Beta Ltd     444444444444  CostLink-ReadAccess        payer      REVOKED    30m             -            -
Gamma Group  555555555555  CostLink-ReadAccess        payer+org  HEALTHY    never           12/15 (80%)  organization-coverage WARN: 12 of 15 active accounts in the organisation's targets are connected. Not connected, the member role CostLink…
Gamma Group  666666666666  CostLink-ReadAccess        member     UNCHECKED  never           -            -
Gamma Group  777777777777  CostLink-MemberReadAccess  member     UNHEALTHY  never           -            assume-role FAIL: Cannot assume the role.
7 connections: 2 healthy, 1 degraded, 2 unhealthy, 1 revoked, 1 unchecked
"""


@pytest.fixture(scope="module")
def registry(moto):
    tables = create_tables(moto, suffix="-status")
    ddb = moto.client("dynamodb")
    for name, secret in SECRETS.items():
        ddb.put_item(TableName=tables["TenantsTable"], Item={
            "externalIdSha256": s(TENANT[name]), "externalId": s(secret), "name": s(name), "status": s("ACTIVE")})
    for item in CONNECTIONS:
        ddb.put_item(TableName=tables["ConnectionsTable"], Item=item)
    for item in DELIVERIES:
        ddb.put_item(TableName=tables["DeliveriesTable"], Item=item)
    return moto, tables


def run(registry, *args):
    moto, tables = registry
    out = io.StringIO()
    code = status.main(["--endpoint-url", moto.endpoint, "--tenants-table", tables["TenantsTable"],
                        "--connections-table", tables["ConnectionsTable"],
                        "--deliveries-table", tables["DeliveriesTable"], *args], now=NOW, out=out)
    return code, out.getvalue()


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    for k, v in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(k, v)


def test_the_fleet_table(registry):
    assert run(registry) == (0, GOLDEN)


def test_the_command_line_reads_the_emulator_from_the_environment(registry):
    moto, tables = registry
    env = {**os.environ, **FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": moto.endpoint}
    result = subprocess.run([str(ROOT / "costlink"), "status", "--at", "2026-06-03T12:00:00Z",
                             "--tenants-table", tables["TenantsTable"], "--connections-table",
                             tables["ConnectionsTable"], "--deliveries-table", tables["DeliveriesTable"]],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, GOLDEN), result.stderr


def test_json_for_scripts(registry):
    code, text = run(registry, "--json")
    rows = json.loads(text)
    assert code == 0 and [r["status"] for r in rows] == ["HEALTHY", "DEGRADED", "UNHEALTHY", "REVOKED", "HEALTHY",
                                                         "UNCHECKED", "UNHEALTHY"]
    beta = rows[2]
    assert beta == {
        "tenant": "Beta Ltd", "tenantId": TENANT["Beta Ltd"][:12], "accountId": "333333333333",
        "roleArn": "arn:aws:iam::333333333333:role/CostLink-ReadAccess", "organisation": "payer",
        "status": "UNHEALTHY", "checkedAt": "2026-06-03T11:50:00Z",
        "failingChecks": [
            {"name": "cur-freshness", "result": "FAIL", "detail": LONG_CAUSE},
            {"name": "cur-report", "result": "FAIL",
             "detail": "The CUR 1.0 report reports ERROR_PERMISSIONS: fix the bucket policy."}],
        "lastValidCur": {"at": "2026-05-31T08:00:00Z", "ageHours": 76.0},
        "lastValidDeliveries": [{"export": "CUR1#CostLink-CUR1", "at": "2026-05-31T08:00:00Z"}],
        "coverage": None, "pending": None}
    gamma = rows[4]
    assert (gamma["organisation"], gamma["coverage"], gamma["lastValidCur"]) == (
        "payer+org", {"covered": 12, "accounts": 15, "result": "WARN", "detail": COVERAGE_CAUSE,
                      "checkedAt": T - 600}, None)
    assert gamma["failingChecks"] == [{"name": "organization-coverage", "result": "WARN", "detail": COVERAGE_CAUSE}]
    assert rows[5]["organisation"] == "member" and rows[5]["checkedAt"] is None
    assert (rows[6]["organisation"], rows[6]["roleArn"]) == ("member", f"arn:aws:iam::777777777777:role/{MEMBER_ROLE}")
    assert rows[0]["lastValidDeliveries"] == [
        {"export": "CARBON#CostLink-Carbon-Export", "at": "2026-05-14T12:00:00Z"},
        {"export": "CUR2#CostLink-CUR-Export", "at": "2026-06-03T07:00:00Z"}]


@pytest.mark.parametrize("args, accounts", [
    (["--tenant", "beta ltd"], ["333333333333", "444444444444"]),
    (["--tenant", TENANT["Gamma Group"][:8]], ["555555555555", "666666666666", "777777777777"]),
    (["--tenant", TENANT["Gamma Group"][:5]], []),  # too short to be an id
    (["--status", "UNHEALTHY,revoked"], ["333333333333", "444444444444", "777777777777"]),
    (["--status", "DEGRADED", "--status", "UNCHECKED"], ["222222222222", "666666666666"]),
    (["--tenant", "Acme Corp", "--status", "UNHEALTHY"], []),
])
def test_filters(registry, args, accounts):
    code, text = run(registry, "--json", *args)
    assert code == 0 and [r["accountId"] for r in json.loads(text)] == accounts


def test_an_empty_selection_still_prints_a_header_and_a_count(registry):
    code, text = run(registry, "--tenant", "nobody")
    assert code == 0 and text.splitlines()[1:] == ["0 connections"]


def test_an_unknown_status_is_refused_without_quoting_it(registry, capsys):
    with pytest.raises(SystemExit) as e:
        run(registry, "--status", "SECRET-ish")
    assert "SECRET-ish" not in str(e.value) and "HEALTHY" in str(e.value)


def test_a_bad_time_is_refused_without_quoting_it(registry, capsys):
    with pytest.raises(SystemExit):
        run(registry, "--at", "cl-looks-like-a-secret")
    assert "cl-looks-like-a-secret" not in capsys.readouterr().err


def test_no_external_id_reaches_the_output(registry):
    for args in ([], ["--json"]):
        _, text = run(registry, *args)
        assert not any(secret in text for secret in SECRETS.values())


def test_tables_come_from_the_vendor_stacks_outputs(registry):
    moto, tables = registry
    outputs = {"TenantsTableName": tables["TenantsTable"], "ConnectionsTableName": tables["ConnectionsTable"],
               "DeliveriesTableName": tables["DeliveriesTable"]}
    moto.client("cloudformation").create_stack(StackName="CostLink-Vendor-status", TemplateBody=json.dumps({
        "Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {k: {"Value": v} for k, v in outputs.items()}}))
    out = io.StringIO()
    code = status.main(["--endpoint-url", moto.endpoint, "--stack-name", "CostLink-Vendor-status"], now=NOW, out=out)
    assert (code, out.getvalue()) == (0, GOLDEN)


def test_a_missing_table_is_a_clear_error(registry, capsys):
    moto, tables = registry
    code = status.main(["--endpoint-url", moto.endpoint, "--tenants-table", "no-such-table", "--connections-table",
                        tables["ConnectionsTable"], "--deliveries-table", tables["DeliveriesTable"]], now=NOW)
    assert code == 2 and "cannot read the registry: ResourceNotFoundException" in capsys.readouterr().err


def test_the_names_read_are_registry_schemas():
    java = constants()
    mirrored = {(cls, name): value for cls in ("Tenants", "Connections", "Facts", "Organization", "Deliveries")
                for name, value in vars(getattr(registry_schema, cls)).items() if name.isupper()}
    for (cls, name), value in mirrored.items():
        if name in java.get(cls, {}):
            assert java[cls][name] == value, f"RegistrySchema.{cls}.{name} is {java[cls][name]!r}, status reads {value!r}"
        else:
            assert (cls, name) in registry_schema.PENDING, f"RegistrySchema.{cls}.{name} does not exist"
    assert set(registry_schema.PENDING) <= set(mirrored)


def test_a_renamed_java_constant_fails_the_mirror_check(tmp_path):
    source = (ROOT / "functions/common/src/main/java/dev/costlink/common/RegistrySchema.java").read_text()
    renamed = tmp_path / "RegistrySchema.java"
    renamed.write_text(source.replace('HEALTH_STATUS = "healthStatus"', 'HEALTH_STATUS = "health"'))
    assert constants(renamed)["Connections"]["HEALTH_STATUS"] != registry_schema.Connections.HEALTH_STATUS


@pytest.mark.parametrize("seconds, text", [(-30, "0m"), (59, "0m"), (60, "1m"), (3599, "59m"), (3600, "1h"),
                                           (47 * 3600 + 3599, "47h"), (48 * 3600, "2d 0h"), (76 * 3600, "3d 4h")])
def test_ages(seconds, text):
    assert status.age(seconds) == text


def test_items_of_unexpected_shapes_show_what_they_can(moto):
    tables = create_tables(moto, suffix="-status-odd")
    ddb = moto.client("dynamodb")
    ddb.put_item(TableName=tables["TenantsTable"], Item={
        "externalIdSha256": s("f" * 64), "name": s("Evil\x1b[2J\x07 Corp\nLine")})
    ddb.put_item(TableName=tables["ConnectionsTable"], Item={
        "tenant": s("f" * 64), "connection": s("odd"), "status": s("ACTIVE"), "facts": s("not a map"),
        "healthStatus": s("SOMETHING-NEW"), "healthChecks": {"M": {"x": s("y")}}, "healthCheckedAt": s("yesterday"),
        "coverage": {"L": []}})
    ddb.put_item(TableName=tables["ConnectionsTable"], Item={
        "tenant": s("e" * 64), "connection": s("odd2"), "accountId": n(777), "status": s("ACTIVE"),
        "healthStatus": s("UNHEALTHY"), "healthChecks": {"L": [s("text"), check("x\x1b[31m", "FAIL", "a\x00b")]}})
    ddb.put_item(TableName=tables["DeliveriesTable"], Item={
        "tenantAccount": s("f" * 64 + "#None"), "export": s("CUR2#x"), "lastValidAt": s("soon")})
    args = ["--endpoint-url", moto.endpoint, "--tenants-table", tables["TenantsTable"], "--connections-table",
            tables["ConnectionsTable"], "--deliveries-table", tables["DeliveriesTable"]]
    out = io.StringIO()
    assert status.main(args, now=NOW, out=out) == 0
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    lines = text.splitlines()
    assert lines[1].split()[:3] == ["eeeeeeeeeeee", "-", "-"] and "x?[31m FAIL: a?b" in lines[1]
    assert lines[2].startswith("Evil?[2J? Corp?Line  -  ") and " UNCHECKED " in lines[2]
    out = io.StringIO()
    assert status.main(args + ["--json"], now=NOW, out=out) == 0
    rows = json.loads(out.getvalue())
    assert [(r["status"], r["checkedAt"], r["coverage"], r["organisation"]) for r in rows] == [
        ("UNHEALTHY", None, None, None), ("UNCHECKED", None, None, None)]
