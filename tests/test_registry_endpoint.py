"""The vendor's registry endpoint under the Lambda emulator, behind a local function URL, on moto with IAM
authorisation on (moto is also the STS the senders sign their proofs for and the registry replays them to): the real
connection callback and delivery detector post to it, and every kind of bad request is refused with the right status.
Events are signed as their senders sign them: a proof of origin by the stack's callback or detector role (assumed in
moto, tests/support/identity.py) and, for connection events, the tenant's HMAC."""
import hashlib
import http.server
import os
import hmac
import json
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import ROOT
from costlink_tools.function_url import FunctionUrl
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner
from costlink_tools.metric_catalog import MetricCatalog
from support.contract import validate as validate_contract
from support.deliveries import Builder, s3_notification
from support.emf import emf_lines, emitted_metrics
from support.identity import AuthorisedMoto, Stack, create_tables, post
from support.registry_schema import constants as registry_schema

VENDOR_BUILD = ROOT / ".aws-sam" / "vendor"
from costlink_tools.demo import TABLE_ENV  # noqa: E402


@pytest.fixture(scope="module")
def moto():
    """moto with IAM authorisation on: it verifies the proofs' SigV4 signatures (docs/emulator-notes.md)."""
    global MOTO
    server = AuthorisedMoto().start()
    MOTO = server
    STACKS.clear()
    yield server
    server.stop()


# The module's moto, and one connection stack per account (its callback and detector roles assumed there).
MOTO: AuthorisedMoto | None = None
STACKS: dict = {}


def stack_of(account) -> Stack:
    if account not in STACKS:
        STACKS[account] = Stack(MOTO, account)
    return STACKS[account]


@pytest.fixture(scope="module")
def tables(moto):
    """The vendor stack's tables from vendor.yaml, with index ByStack (moto skips the KMS encryption)."""
    return create_tables(moto)


@pytest.fixture(scope="module")
def registry(vendor_built, moto, tables):
    spec = FunctionSpec.from_template("RegistryFunction", ROOT / "vendor.yaml")
    env = {TABLE_ENV[k]: v for k, v in tables.items()}
    runner = LambdaRunner(spec, code_dir=VENDOR_BUILD / "RegistryFunction",
                          env={**env, "AWS_ENDPOINT_URL": moto.endpoint, **moto.keys.env()}).start()
    url = FunctionUrl(runner)
    yield url, runner
    url.stop()
    runner.stop()


def create_tenant(moto, tables, registry_url, name="Acme Corp"):
    out = subprocess.run([str(ROOT / "costlink"), "tenant", "create", "--name", name, "--endpoint-url", moto.endpoint,
                          "--tenants-table", tables["TenantsTable"], "--callback-url", registry_url,
                          "--vendor-account-id", "999988887777"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, **{k: v for k, v in moto.keys.env().items() if v}})
    assert out.returncode == 0, out.stderr
    external_id = re.search(r"ExternalId \(secret.*\): (\S+)", out.stdout).group(1)
    link = out.stdout.strip().splitlines()[-1]
    return external_id, link


@pytest.fixture(scope="module")
def tenant(moto, tables, registry):
    return create_tenant(moto, tables, registry[0].url)[0]


def sender_keys(body):
    """The credentials that sign an event's proof: its stack's callback role (connection events) or detector role."""
    stack = next((s for s in STACKS.values() if isinstance(body, dict) and s.stack_id == body.get("stackId")), None)
    if stack is None:
        stack = stack_of(body.get("accountId", "111122223333") if isinstance(body, dict) else "111122223333")
    return stack.callback if str(body.get("type", "")).startswith("connection.") else stack.detector


def signed(url, external_id, body, ts=None, headers=None, raw=None, method="POST"):
    """As the senders sign: the proof of origin over the exact bytes sent, and the tenant's HMAC."""
    return post(url, body, keys=sender_keys(body if isinstance(body, dict) else {}), sts_endpoint=MOTO.endpoint,
                external_id=external_id, data=raw, headers=headers, method=method, ts=ts)


def connection_event(external_id, type_="connection.created", role="CostLink-ReadAccess", account="111122223333"):
    return {"type": type_, "id": "evt_" + uuid.uuid4().hex + "00000000", "occurredAt": "2026-11-22T09:00:00.000Z",
            "externalIdSha256": hashlib.sha256(external_id.encode()).hexdigest(), "accountId": account,
            "partition": "aws", "region": "us-east-1",
            "stackId": stack_of(account).stack_id,
            "connection": {"roleArn": f"arn:aws:iam::{account}:role/{role}",
                           "connectionId": connection_id(account, f"arn:aws:iam::{account}:role/{role}"),
                           "accountType": "Linked", "deploymentScenario": "LinkedAccount",
                           "permissionSets": ["core"]}}


def connection_id(account, role_arn):
    return f"costlink-{account}-" + hashlib.sha256(role_arn.encode()).hexdigest()[:16]


# The account in the function ARN the Lambda emulator gives every function: the detector reports it as its account.
DETECTOR_ACCOUNT = "012345678912"
HISTORY_LIMIT = registry_schema()["Connections"]["HISTORY_LIMIT"]


def root_connection_event(external_id, account, bucket="acme-costlink-cur", type_="connection.created",
                          role="CostLink-ReadAccess"):
    """A root account's connection with a CUR 2.0 export, as the connection callback reports it."""
    body = connection_event(external_id, type_, role=role, account=account)
    body["connection"].update(accountType="Root", deploymentScenario="NewBucketNewExport", bucket=bucket,
                              curVersion="CUR2", exportName="CostLink-CUR-Export", prefixes={"cur": "reports/cur2"},
                              permissionSets=["core", "cur-bucket-read"])
    return body


def delivery_event(external_id, account, bucket="acme-costlink-cur", export="CostLink-CUR-Export", kind="CUR2"):
    """As the detector reports it: its stack, no tenant (the registry finds it through the stack's connection)."""
    prefix = {"CUR2": "reports/cur2", "CARBON": "reports/carbon-footprint"}[kind]
    return {"type": "delivery.completed", "id": "evt_" + uuid.uuid4().hex + "00000000",
            "occurredAt": "2026-06-02T00:00:03.512Z", "accountId": account, "stackId": stack_of(account).stack_id,
            "partition": "aws", "region": "us-east-1",
            "delivery": {"kind": kind, "bucket": bucket, "exportName": export, "billingPeriod": "2026-05",
                         "executionId": str(uuid.uuid4()),
                         "manifestKey": f"{prefix}/{export}/metadata/BILLING_PERIOD=2026-05/{export}-Manifest.json",
                         "fileCount": 1, "totalRows": 3, "totalBytes": 1200}}


def seen(moto, tables, event_id):
    return "Item" in moto.client("dynamodb").get_item(TableName=tables["EventsTable"],
                                                      Key={"eventId": {"S": event_id}})


def delivery_item(moto, tables, external_id, account, export="CUR2#CostLink-CUR-Export"):
    return moto.client("dynamodb").get_item(TableName=tables["DeliveriesTable"], Key={
        "tenantAccount": {"S": hashlib.sha256(external_id.encode()).hexdigest() + "#" + account},
        "export": {"S": export}}).get("Item")


def connection_item(moto, tables, external_id, account, role):
    item = moto.client("dynamodb").get_item(TableName=tables["ConnectionsTable"], Key={
        "tenant": {"S": hashlib.sha256(external_id.encode()).hexdigest()},
        "connection": {"S": f"{account}#arn:aws:iam::{account}:role/{role}"}}).get("Item")
    return item


def proved(moto, tables, external_id, account, role="CostLink-ReadAccess"):
    """What the verifier does once it has assumed the role (tests/test_verifier.py): the PENDING connection is ACTIVE."""
    moto.client("dynamodb").update_item(TableName=tables["ConnectionsTable"], Key={
        "tenant": {"S": hashlib.sha256(external_id.encode()).hexdigest()},
        "connection": {"S": f"{account}#arn:aws:iam::{account}:role/{role}"}},
        UpdateExpression="SET #s = :a REMOVE pendingReason", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":a": {"S": "ACTIVE"}})


# ------------------------------------------------------------------------------------------------ the loop closes
def test_tenant_create_stores_the_tenant_and_prints_the_quick_create_link(moto, tables, registry):
    external_id, link = create_tenant(moto, tables, registry[0].url, name="Link Test")
    assert re.fullmatch(r"cl-[A-Za-z0-9_-]{43}", external_id)
    assert link.startswith("https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1"
                           "#/stacks/quickcreate?templateURL=https%3A%2F%2F")
    assert "&param_VendorAccountId=999988887777&" in link and f"&param_ExternalId={external_id}&" in link
    assert "&param_CallbackUrl=http%3A%2F%2F127.0.0.1%3A" in link
    item = moto.client("dynamodb").get_item(TableName=tables["TenantsTable"], Key={
        "externalIdSha256": {"S": hashlib.sha256(external_id.encode()).hexdigest()}})["Item"]
    assert item["name"]["S"] == "Link Test" and item["externalId"]["S"] == external_id


def test_the_connection_callback_reports_into_the_registry(moto, tables, registry, tenant, sam_built):
    # moto answers a pre-signed URL HTTP 500 while IAM authorisation is on (docs/emulator-notes.md): CloudFormation's
    # ResponseURL is a local server here.
    answers = []

    class ResponseUrl(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            answers.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ResponseUrl)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    event = json.loads((ROOT / "events" / "connection-create.json").read_text())
    event["ResponseURL"] = f"http://127.0.0.1:{server.server_address[1]}/answer"
    event["ResourceProperties"].update(CallbackUrl=registry[0].url, ExternalId=tenant)
    # The callback runs with its execution role's session, the role its stack names after the stack's uuid.
    account = event["StackId"].split(":")[4]
    sender = STACKS.setdefault(("callback", event["StackId"]), Stack(moto, account, stack_id=event["StackId"]))
    with LambdaRunner(FunctionSpec.from_template("ConnectionCallbackFunction"),
                      env={"AWS_ENDPOINT_URL": moto.endpoint, **sender.callback.env()}) as callback:
        callback.invoke(event)
    server.shutdown()
    assert [a["Status"] for a in answers] == ["SUCCESS"], answers
    assert answers[0]["Data"]["CallbackStatus"] == "DELIVERED", answers
    item = connection_item(moto, tables, tenant, "111122223333", "CostLink-ReadAccess")
    assert item["status"]["S"] == "PENDING", "ACTIVE once the vendor has assumed the role"
    assert item["facts"]["M"]["bucket"]["S"] == "acme-costlink-cur"
    assert item["facts"]["M"]["prefixes"]["M"]["cur"]["S"] == "reports/cur2"
    assert [h["M"]["type"]["S"] for h in item["history"]["L"]] == ["connection.created"]


def test_the_delivery_detector_reports_into_the_registry(moto, tables, registry, tenant, sam_built):
    s3 = moto.client("s3")
    env = json.loads((ROOT / "events" / "env.json").read_text())["DeliveryDetectorFunction"]
    s3.create_bucket(Bucket=env["COSTLINK_BUCKET"])
    # The registry takes a delivery only for an ACTIVE connection of that account naming the bucket and export.
    registered = root_connection_event(tenant, DETECTOR_ACCOUNT, bucket=env["COSTLINK_BUCKET"])
    assert signed(registry[0].url, tenant, registered) == (200, {"status": "accepted"})
    proved(moto, tables, tenant, DETECTOR_ACCOUNT)
    d = Builder(s3, env["COSTLINK_BUCKET"]).cur2(files=2, rows=3)
    with LambdaRunner(FunctionSpec.from_template("DeliveryDetectorFunction"),
                      env={**env, **detector_env(registry[0].url)}) as detector:
        result = detector.invoke(s3_notification(env["COSTLINK_BUCKET"], d.manifest_key)).json()
    assert result["deliveries"][0]["vendor"] == "DELIVERED", result
    item = delivery_item(moto, tables, tenant, DETECTOR_ACCOUNT)
    assert item["lastDelivery"]["M"]["type"]["S"] == "delivery.completed"
    assert item["lastDelivery"]["M"]["totalRows"]["N"] == "6"
    assert "lastValidAt" in item


def detector_env(url):
    """The detector as its stack runs it: its stack id and its execution role's session, no ExternalId."""
    stack = stack_of(DETECTOR_ACCOUNT)
    return {"COSTLINK_CALLBACK_URL": url, "COSTLINK_STACK_ID": stack.stack_id, "COSTLINK_EXTERNAL_ID": None,
            "AWS_ENDPOINT_URL": MOTO.endpoint, **stack.detector.env()}


def test_text_and_focus_deliveries_of_the_detector_are_recorded(moto, tables, registry, sam_built):
    """A large compressed CSV (no row count) and a FOCUS export, validated by the built detector and recorded by the
    built registry: neither is refused and parked in the failure queue."""
    external_id = create_tenant(moto, tables, registry[0].url, name="Text and FOCUS")[0]
    s3 = moto.client("s3")
    env = json.loads((ROOT / "events" / "env.json").read_text())["DeliveryDetectorFunction"]
    bucket = env["COSTLINK_BUCKET"]
    if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=bucket)
    registered = root_connection_event(external_id, DETECTOR_ACCOUNT, bucket=bucket)
    registered["connection"].update(curVersion="CUR1", focusExportName="CostLink-FOCUS-Export",
                                    prefixes={"cur": "reports/cur1", "focus": "reports/focus"})
    validate_contract("ConnectionEvent", registered)
    assert signed(registry[0].url, external_id, registered) == (200, {"status": "accepted"})
    proved(moto, tables, external_id, DETECTOR_ACCOUNT)
    build = Builder(s3, bucket)
    text = build.cur1_text(files=2, rows=2000, noise=200)
    focus = build.focus(files=2, rows=3)
    parked = []
    with LambdaRunner(FunctionSpec.from_template("DeliveryDetectorFunction"),
                      env={**env, **detector_env(registry[0].url)}) as detector:
        for d in (text, focus):
            attempts = detector.invoke_async(s3_notification(bucket, d.manifest_key), parked.append)
            assert [a.json()["deliveries"][0]["vendor"] for a in attempts] == ["DELIVERED"], attempts[-1].payload
    assert parked == []
    recorded = delivery_item(moto, tables, external_id, DETECTOR_ACCOUNT, export="CUR1#CostLink-CUR-Export")
    last = recorded["lastDelivery"]["M"]
    assert (last["type"]["S"], last["format"]["S"], last["fileCount"]["N"]) == ("delivery.completed", "csv-gzip", "2")
    assert "totalRows" not in last and last["manifestKey"]["S"] == text.manifest_key
    recorded = delivery_item(moto, tables, external_id, DETECTOR_ACCOUNT, export="FOCUS#CostLink-FOCUS-Export")
    last = recorded["lastValidDelivery"]["M"]
    assert (last["kind"]["S"], last["format"]["S"], last["totalRows"]["N"]) == ("FOCUS", "parquet", "6")


def test_deleted_marks_the_connection_revoked_and_keeps_its_history(moto, tables, registry, tenant):
    url = registry[0].url
    for type_ in ("connection.created", "connection.updated", "connection.deleted"):
        body = connection_event(tenant, type_, role="Lifecycle")
        validate_contract("ConnectionEvent", body)
        assert signed(url, tenant, body) == (200, {"status": "accepted"})
    item = connection_item(moto, tables, tenant, "111122223333", "Lifecycle")
    assert item["status"]["S"] == "REVOKED" and "revokedAt" in item
    assert [h["M"]["type"]["S"] for h in item["history"]["L"]] == [
        "connection.created", "connection.updated", "connection.deleted"]
    assert item["facts"]["M"]["permissionSets"]["L"] == [{"S": "core"}]


def at(body, occurred_at):
    body["occurredAt"] = occurred_at
    return body


def test_an_older_event_arriving_later_changes_nothing(moto, tables, registry, tenant):
    url = registry[0].url
    created = at(connection_event(tenant, "connection.created", role="Late"), "2026-11-22T10:00:00.000Z")
    deleted = at(connection_event(tenant, "connection.deleted", role="Late"), "2026-11-22T10:02:00.000Z")
    late = at(connection_event(tenant, "connection.updated", role="Late"), "2026-11-22T10:01:00.000Z")
    late["connection"]["permissionSets"] = ["core", "tag-management"]
    for body in (created, deleted, late):
        validate_contract("ConnectionEvent", body)
        assert signed(url, tenant, body) == (200, {"status": "accepted"})
    item = connection_item(moto, tables, tenant, "111122223333", "Late")
    assert item["status"]["S"] == "REVOKED", "a late update never reactivates a deleted connection"
    assert item["facts"]["M"]["permissionSets"]["L"] == [{"S": "core"}]
    assert item["lastEventId"]["S"] == deleted["id"]
    assert [h["M"]["type"]["S"] for h in item["history"]["L"]] == ["connection.created", "connection.deleted"]
    assert seen(moto, tables, late["id"]), "recorded exactly once all the same"
    assert signed(url, tenant, late) == (200, {"status": "duplicate"})
    # The stack is created again: a late delete of the first one must not revoke the new connection.
    again = at(connection_event(tenant, "connection.created", role="Late"), "2026-11-22T11:00:00.000Z")
    late_delete = at(connection_event(tenant, "connection.deleted", role="Late"), "2026-11-22T10:30:00.000Z")
    for body in (again, late_delete):
        assert signed(url, tenant, body) == (200, {"status": "accepted"})
    assert connection_item(moto, tables, tenant, "111122223333", "Late")["status"]["S"] == "PENDING"


# ------------------------------------------------------------------------------------------------ a payer's members
PAYER_ACCOUNT = "222233334444"


def payer_event(external_id, type_="connection.created", occurred_at="2026-11-22T09:00:00.000Z"):
    body = at(root_connection_event(external_id, PAYER_ACCOUNT, type_=type_), occurred_at)
    body["connection"]["organization"] = {
        "organizationId": "o-a1b2c3d4e5", "managementAccountId": PAYER_ACCOUNT, "deploymentAccount": "ManagementAccount",
        "stackSetId": "CostLink-MemberRoles:8e7d6c5b-4a39-4281-9f0e-d1c2b3a49586", "targets": ["r-ab12"],
        "memberRoleName": "CostLink-MemberReadAccess", "memberPermissionSets": ["core"]}
    validate_contract("ConnectionEvent", body)
    return body


def payer_key():
    return f"{PAYER_ACCOUNT}#arn:aws:iam::{PAYER_ACCOUNT}:role/CostLink-ReadAccess"


def put_members(moto, tables, external_id, accounts, payer=None, status="ACTIVE"):
    """Member connections as the verifier creates them: under their payer connection (organizationConnection)."""
    ddb = moto.client("dynamodb")
    for account in accounts:
        role = f"arn:aws:iam::{account}:role/CostLink-MemberReadAccess"
        ddb.put_item(TableName=tables["ConnectionsTable"], Item={
            "tenant": {"S": hashlib.sha256(external_id.encode()).hexdigest()},
            "connection": {"S": f"{account}#{role}"}, "status": {"S": status}, "accountId": {"S": account},
            "roleArn": {"S": role}, "organizationConnection": {"S": payer or payer_key()}})


def member_items(moto, tables, external_id):
    items = moto.client("dynamodb").query(
        TableName=tables["ConnectionsTable"], KeyConditionExpression="tenant = :t",
        ExpressionAttributeValues={":t": {"S": hashlib.sha256(external_id.encode()).hexdigest()}})["Items"]
    return {i["accountId"]["S"]: i for i in items if "organizationConnection" in i}


def test_deleting_a_payer_revokes_every_member_in_batches(moto, tables, registry):
    external_id = create_tenant(moto, tables, registry[0].url, name="Organisation")[0]
    url = registry[0].url
    assert signed(url, external_id, payer_event(external_id)) == (200, {"status": "accepted"})
    members = [f"5{i:011d}" for i in range(230)]           # more than two transactions of 100 items
    put_members(moto, tables, external_id, members)
    put_members(moto, tables, external_id, ["600000000001"], payer="999999999999#arn:aws:iam::999999999999:role/X")
    deleted = payer_event(external_id, "connection.deleted", "2026-11-22T12:00:00.000Z")
    assert signed(url, external_id, deleted) == (200, {"status": "accepted"})
    items = member_items(moto, tables, external_id)
    assert {a for a, i in items.items() if i["status"]["S"] == "REVOKED"} == set(members)
    assert items["600000000001"]["status"]["S"] == "ACTIVE", "another payer's member is not this delete's"
    revoked_at = {a: items[a]["revokedAt"]["N"] for a in members}
    # A redelivered delete changes nothing.
    assert signed(url, external_id, deleted) == (200, {"status": "duplicate"})
    assert {a: i["revokedAt"]["N"] for a, i in member_items(moto, tables, external_id).items()
            if a in revoked_at} == revoked_at


def test_the_retry_of_a_delete_finishes_revoking_its_members(moto, tables, registry):
    """A revocation cut short (the function stopped after the exactly-once record): the sender's retry of the same
    event, a duplicate, revokes the members left."""
    external_id = create_tenant(moto, tables, registry[0].url, name="Organisation retry")[0]
    url = registry[0].url
    assert signed(url, external_id, payer_event(external_id)) == (200, {"status": "accepted"})
    deleted = payer_event(external_id, "connection.deleted", "2026-11-22T12:00:00.000Z")
    assert signed(url, external_id, deleted) == (200, {"status": "accepted"})
    put_members(moto, tables, external_id, ["700000000001", "700000000002"])   # the members it had not reached
    assert signed(url, external_id, deleted) == (200, {"status": "duplicate"})
    assert {i["status"]["S"] for i in member_items(moto, tables, external_id).values()} == {"REVOKED"}


def test_an_old_delete_never_revokes_the_members_of_a_payer_connected_again(moto, tables, registry):
    external_id = create_tenant(moto, tables, registry[0].url, name="Organisation again")[0]
    url = registry[0].url
    deleted = payer_event(external_id, "connection.deleted", "2026-11-22T12:00:00.000Z")
    for body in (payer_event(external_id), deleted,
                 payer_event(external_id, "connection.created", "2026-11-22T13:00:00.000Z")):
        assert signed(url, external_id, body) == (200, {"status": "accepted"})
    put_members(moto, tables, external_id, ["800000000001"])
    assert signed(url, external_id, deleted) == (200, {"status": "duplicate"})
    assert member_items(moto, tables, external_id)["800000000001"]["status"]["S"] == "ACTIVE"


def test_the_same_event_twice_is_accepted_once(moto, tables, registry, tenant):
    body = connection_event(tenant, role="Twice")
    assert signed(registry[0].url, tenant, body) == (200, {"status": "accepted"})
    assert signed(registry[0].url, tenant, body) == (200, {"status": "duplicate"})
    item = connection_item(moto, tables, tenant, "111122223333", "Twice")
    assert len(item["history"]["L"]) == 1


def test_the_history_keeps_only_the_newest_entries(moto, tables, registry, tenant):
    ids = []
    for i in range(HISTORY_LIMIT + 3):
        body = connection_event(tenant, "connection.created" if i == 0 else "connection.updated", role="Busy")
        ids.append(body["id"])
        assert signed(registry[0].url, tenant, body) == (200, {"status": "accepted"})
    item = connection_item(moto, tables, tenant, "111122223333", "Busy")
    history = [h["M"]["eventId"]["S"] for h in item["history"]["L"]]
    assert history == ids[-HISTORY_LIMIT:]
    assert item["lastEventId"]["S"] == ids[-1] and item["status"]["S"] == "PENDING"
    # Exactly-once still holds for an event that has left the history: the events table remembers it.
    first = connection_event(tenant, role="Busy")
    first["id"] = ids[0]
    assert signed(registry[0].url, tenant, first) == (200, {"status": "duplicate"})
    assert [h["M"]["eventId"]["S"] for h in connection_item(moto, tables, tenant, "111122223333", "Busy")[
        "history"]["L"]] == history


# ------------------------------------------------------------------------------------------------ deliveries
def test_a_delivery_is_recorded_only_for_an_active_connection_naming_its_bucket_and_export(moto, tables, registry):
    external_id = create_tenant(moto, tables, registry[0].url, name="Delivery Owner")[0]
    url, account = registry[0].url, "444455556666"

    def refused(body):
        validate_contract("DeliveryEvent", body)
        status, reply = signed(url, external_id, body)
        assert (status, reply["error"].split(" records")[0]) == (
            409, "no ACTIVE connection registered by this stack in accountId"), reply
        assert not seen(moto, tables, body["id"])

    refused(delivery_event(external_id, account))                        # no connection yet
    assert signed(url, external_id, root_connection_event(external_id, account)) == (200, {"status": "accepted"})
    refused(delivery_event(external_id, account))                        # PENDING: the role is not proved yet
    proved(moto, tables, external_id, account)
    accepted = delivery_event(external_id, account)
    assert signed(url, external_id, accepted) == (200, {"status": "accepted"})
    assert delivery_item(moto, tables, external_id, account)["lastDelivery"]["M"]["eventId"]["S"] == accepted["id"]

    refused(delivery_event(external_id, account, bucket="someone-elses-bucket"))
    refused(delivery_event(external_id, account, export="Another-Export"))
    refused(delivery_event(external_id, "777788889999"))                 # another account of the same tenant
    named = delivery_event(external_id, account)
    named["externalIdSha256"] = hashlib.sha256(b"cl-another-tenant").hexdigest()
    refused(named)                                                       # a tenant not its connection's
    refused(delivery_event(external_id, account, kind="CARBON", export="CostLink-Carbon-Export"))  # no carbon export
    outside = delivery_event(external_id, account)
    outside["delivery"]["manifestKey"] = "elsewhere/" + outside["delivery"]["manifestKey"]
    refused(outside)

    assert signed(url, external_id, root_connection_event(external_id, account, type_="connection.deleted")) == (
        200, {"status": "accepted"})
    refused(delivery_event(external_id, account))                        # revoked
    assert delivery_item(moto, tables, external_id, account)["lastDelivery"]["M"]["eventId"]["S"] == accepted["id"]


def test_the_registry_may_read_what_it_checks():
    from costlink_tools.cfn_model import load_template
    vendor = load_template(ROOT / "vendor.yaml")
    statements = vendor["Resources"]["RegistryRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    def resource(r):
        if isinstance(r, dict) and "Fn::GetAtt" in r:
            return r["Fn::GetAtt"][0]
        if isinstance(r, dict) and "Fn::Sub" in r:
            return r["Fn::Sub"]
        return "several"
    granted = {(a, resource(s["Resource"]))
               for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    for action in ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"):
        assert (action, "ConnectionsTable") in granted
    assert ("dynamodb:Query", "${ConnectionsTable.Arn}/index/ByStack") in granted
    assert {r for a, r in granted if a.startswith("sqs:")} == {"VerificationQueue"}
    assert {a for a, _ in granted if a.startswith("sqs:")} == {"sqs:SendMessage"}
    assert not [a for a, _ in granted if a.startswith("sts:")], "the replay to STS needs no permission"
    env = vendor["Resources"]["RegistryFunction"]["Properties"]["Environment"]["Variables"]
    assert env["COSTLINK_VERIFICATION_QUEUE_URL"] == {"Ref": "VerificationQueue"}


# ------------------------------------------------------------------------------------------------ bad requests
def test_a_connection_event_naming_another_account_is_refused(moto, tables, registry, tenant):
    for field in ("roleArn", "stackId"):
        body = connection_event(tenant, role="Elsewhere")
        if field == "roleArn":
            body["connection"]["roleArn"] = "arn:aws:iam::999988887777:role/Elsewhere"
        else:
            body["stackId"] = "arn:aws:cloudformation:us-east-1:999988887777:stack/CostLink/x"
        validate_contract("ConnectionEvent", body)
        status, reply = signed(registry[0].url, tenant, body)
        assert (status, reply) == (400, {"error": f"{'connection.' if field == 'roleArn' else ''}{field} names "
                                                  "another account than accountId"})
        assert not seen(moto, tables, body["id"])
    assert connection_item(moto, tables, tenant, "111122223333", "Elsewhere") is None


@pytest.mark.parametrize("tail", [b" x", b"{}", b'\n{"type":"connection.deleted"}', b" cl-SecretLookingTail"])
def test_one_json_value_per_body(moto, tables, registry, tenant, tail):
    body = connection_event(tenant, role="Trailing")
    raw = json.dumps(body, separators=(",", ":")).encode() + tail
    status, reply = signed(registry[0].url, tenant, body, raw=raw)
    assert status == 400 and reply["error"].startswith("malformed JSON: more than one JSON value"), reply
    assert tail.strip().decode() not in reply["error"]
    assert not seen(moto, tables, body["id"])
    assert connection_item(moto, tables, tenant, "111122223333", "Trailing") is None


def test_trailing_whitespace_is_fine(registry, tenant):
    body = connection_event(tenant, role="Whitespace")
    raw = json.dumps(body, separators=(",", ":")).encode() + b" \r\n"
    assert signed(registry[0].url, tenant, body, raw=raw) == (200, {"status": "accepted"})


def test_an_event_dynamodb_refuses_for_good_is_a_final_422(moto, tables, registry, tenant):
    # The item is near DynamoDB's 400 KB limit (the verifier's health state, say): recording the event would cross it.
    key = {"tenant": {"S": hashlib.sha256(tenant.encode()).hexdigest()},
           "connection": {"S": "111122223333#arn:aws:iam::111122223333:role/Crowded"}}
    moto.client("dynamodb").put_item(TableName=tables["ConnectionsTable"],
                                     Item={**key, "healthChecks": {"S": "x" * 390_000}})
    body = connection_event(tenant, "connection.updated", role="Crowded")
    body["connection"]["note"] = "n" * 20_000
    status, reply = signed(registry[0].url, tenant, body)
    assert status == 422 and reply["error"].startswith("the registry cannot store this event"), (status, reply)
    assert "n" * 20 not in reply["error"]
    assert not seen(moto, tables, body["id"])
    assert "lastEventId" not in moto.client("dynamodb").get_item(TableName=tables["ConnectionsTable"], Key=key)["Item"]


def test_bad_signature(registry, tenant):
    status, body = signed(registry[0].url, "cl-not-the-tenants-secret", connection_event(tenant))
    assert (status, body) == (401, {"error": "bad signature"})


@pytest.mark.parametrize("missing", ["CostLink-Timestamp", "CostLink-Signature"])
def test_missing_signature_headers(registry, tenant, missing):
    status, body = signed(registry[0].url, tenant, connection_event(tenant), headers={missing: None})
    assert (status, body) == (401, {"error": "CostLink-Timestamp and CostLink-Signature are required"})


def test_missing_idempotency_key(registry, tenant):
    status, _ = signed(registry[0].url, tenant, connection_event(tenant), headers={"Idempotency-Key": None})
    assert status == 400


@pytest.mark.parametrize("offset", [-301, 301, -86_400])
def test_stale_and_future_timestamps(registry, tenant, offset):
    status, body = signed(registry[0].url, tenant, connection_event(tenant), ts=int(time.time()) + offset)
    assert status == 401 and body["error"].startswith("stale or future timestamp")


def test_replay_of_an_old_event_is_refused(registry, tenant):
    body = connection_event(tenant, role="Replayed")
    raw = json.dumps(body, separators=(",", ":")).encode()
    old = int(time.time()) - 3600
    # A request captured an hour ago, replayed byte for byte with its original (valid) signature.
    assert signed(registry[0].url, tenant, body, ts=old, raw=raw)[0] == 401


def test_unknown_tenant(registry):
    stranger = "cl-" + uuid.uuid4().hex
    status, body = signed(registry[0].url, stranger, connection_event(stranger))
    assert (status, body) == (404, {"error": "unknown tenant"})


def test_malformed_json(registry, tenant):
    body = connection_event(tenant)
    status, reply = signed(registry[0].url, tenant, body, raw=b'{"type": "connection.created",')
    assert status == 400 and reply["error"].startswith("malformed JSON")


def test_oversized_body(registry, tenant):
    body = connection_event(tenant)
    body["padding"] = "x" * 70_000
    assert signed(registry[0].url, tenant, body)[0] == 413


def test_wrong_content_type(registry, tenant):
    status, body = signed(registry[0].url, tenant, connection_event(tenant), headers={"Content-Type": "text/plain"})
    assert (status, body) == (415, {"error": "Content-Type must be application/json"})


@pytest.mark.parametrize("mutate,error", [
    (lambda b: b.pop("connection"), "connection.roleArn is required"),
    (lambda b: b.update(type="connection.renamed"), "type must be one of"),
    (lambda b: b.update(accountId="12345"), "accountId must be 12 digits"),
    (lambda b: b.update(id="evt_" + "f" * 40), "id must equal the Idempotency-Key"),
    (lambda b: b.update(externalIdSha256="ABC"), "externalIdSha256 must be"),
])
def test_valid_json_of_the_wrong_shape(registry, tenant, mutate, error):
    body = connection_event(tenant)
    key = body["id"]
    mutate(body)
    status, reply = signed(registry[0].url, tenant, body, headers={"Idempotency-Key": key})
    assert status == 400 and reply["error"].startswith(error)


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_only_post_and_the_answer_says_so(registry, tenant, method):
    req = urllib.request.Request(registry[0].url, data=b"{}" if method == "PUT" else None, method=method,
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=30)
    assert refused.value.code == 405 and refused.value.headers["Allow"] == "POST"
    assert json.loads(refused.value.read()) == {"error": "only POST is accepted"}


def test_the_events_file_is_a_function_url_request(registry):
    runner = registry[1]
    event = json.loads((ROOT / "events" / "registry-connection-created.json").read_text())
    validate_contract("ConnectionEvent", json.loads(event["body"]))
    secret = json.loads((ROOT / "events" / "connection-create.json").read_text())["ResourceProperties"]["ExternalId"]
    headers = event["headers"]
    assert headers["costlink-signature"] == "v1=" + hmac.new(
        secret.encode(), f"{headers['costlink-timestamp']}.".encode() + event["body"].encode(), hashlib.sha256).hexdigest()
    reply = runner.invoke(event).json()
    # Its proof of origin was signed at 2026-11-22T09:00Z: (rightly) refused as expired, before any network call.
    assert reply["statusCode"] == 401
    assert json.loads(reply["body"])["error"].startswith("the proof was signed more than 15 minutes ago")
    assert reply["headers"] == {"content-type": "application/json"}


# ------------------------------------------------------------------------------------------------ metrics
def test_every_answer_is_counted_once_with_the_declared_dimensions(registry, tenant):
    url, runner = registry[0].url, registry[1]
    catalog = MetricCatalog.load()
    before = len(runner.logs())
    body = connection_event(tenant, role="Counted")
    assert signed(url, tenant, body) == (200, {"status": "accepted"})
    assert signed(url, tenant, body) == (200, {"status": "duplicate"})
    assert signed(url, "cl-not-the-tenants-secret", connection_event(tenant))[0] == 401
    assert signed(url, tenant, connection_event(tenant), headers={"Content-Type": "text/plain"})[0] == 415
    unreadable = runner.invoke(b"[1]").json()                    # not a function URL request at all
    assert unreadable["statusCode"] == 400
    documents = emf_lines(runner.logs()[before:])
    assert emitted_metrics(documents) == {(catalog.namespace, name, dims)
                                          for name in ("EventsAccepted", "EventsDuplicate", "EventsRefused")
                                          for dims in catalog.metric(name).dimension_sets}
    counted = [(name, doc.get("EventType") or doc.get("Reason"), doc[name]) for doc in documents
               for name in ("EventsAccepted", "EventsDuplicate", "EventsRefused") if name in doc]
    assert counted == [("EventsAccepted", "connection.created", 1), ("EventsDuplicate", None, 1),
                       ("EventsRefused", "BadSignature", 1), ("EventsRefused", "UnsupportedMediaType", 1),
                       ("EventsRefused", "BadRequest", 1)]


def test_logs_never_hold_a_secret(registry, tenant):
    logs = registry[1].logs()
    assert tenant not in logs
    assert "v1=" not in logs
    for stack in [s for s in STACKS.values()]:
        for keys in (stack.callback, stack.detector):
            assert keys.token not in logs and keys.secret not in logs
