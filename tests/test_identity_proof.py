"""Events proven by AWS identity (issue 11), against the built registry under the Lambda emulator on moto with IAM
authorisation on: moto is the STS the senders sign for and the registry replays to. Each forgery is refused with the
documented status (docs/callback-contract.md) and writes nothing to the registry."""
import datetime
import hashlib
import json
import os
import re
import subprocess
import uuid

import pytest

from conftest import ROOT
from costlink_tools.demo import TABLE_ENV
from costlink_tools.function_url import FunctionUrl
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner, free_port
from support.identity import AuthorisedMoto, Stack, create_tables, post, proof, raw
from support.registry_schema import constants as registry_schema

VENDOR_BUILD = ROOT / ".aws-sam" / "vendor"
SCHEMA = registry_schema()
PENDING_REASON = "the vendor has not yet assumed the role"
HELD_REASON = "account outside the tenant's allowed accounts: held for the vendor's approval"


@pytest.fixture(scope="module")
def moto():
    server = AuthorisedMoto().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tables(moto):
    return create_tables(moto)


@pytest.fixture(scope="module")
def queue(moto):
    return moto.client("sqs").create_queue(QueueName="costlink-verification-" + uuid.uuid4().hex[:6])["QueueUrl"]


def start_registry(moto, tables, queue, **env):
    spec = FunctionSpec.from_template("RegistryFunction", ROOT / "vendor.yaml")
    runner = LambdaRunner(spec, code_dir=VENDOR_BUILD / "RegistryFunction", env={
        **{TABLE_ENV[k]: v for k, v in tables.items()}, "AWS_ENDPOINT_URL": moto.endpoint,
        "COSTLINK_VERIFICATION_QUEUE_URL": queue, **moto.keys.env(), **env}).start()
    return FunctionUrl(runner), runner


@pytest.fixture(scope="module")
def registry(vendor_built, moto, tables, queue):
    url, runner = start_registry(moto, tables, queue)
    yield url.url
    url.stop()
    runner.stop()


@pytest.fixture(scope="module")
def tenant(moto, tables, registry):
    out = subprocess.run([str(ROOT / "costlink"), "tenant", "create", "--name", "Proof Test", "--endpoint-url",
                          moto.endpoint, "--tenants-table", tables["TenantsTable"], "--callback-url", registry,
                          "--vendor-account-id", "999988887777"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, **{k: v for k, v in moto.keys.env().items() if v}})
    assert out.returncode == 0, out.stderr
    return re.search(r"ExternalId \(secret.*\): (\S+)", out.stdout).group(1)


@pytest.fixture
def stack(moto):
    return Stack(moto)


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def connection_event(external_id, stack, type_="connection.created", role=None, account=None):
    """A root account's connection with a CUR 2.0 export; its role is the test's own unless named."""
    account = account or stack.account
    role = role or "CostLink-ReadAccess-" + uuid.uuid4().hex[:8]
    role_arn = f"arn:aws:iam::{account}:role/{role}"
    return {"type": type_, "id": "evt_" + uuid.uuid4().hex + "00000000", "occurredAt": "2026-11-22T09:00:00.000Z",
            "externalIdSha256": sha(external_id), "accountId": account, "partition": "aws", "region": "us-east-1",
            "stackId": stack.stack_id.replace(stack.account, account),
            "connection": {"roleArn": role_arn, "accountType": "Root", "deploymentScenario": "NewBucketNewExport",
                           "bucket": "acme-costlink-cur", "curVersion": "CUR2", "exportName": "CostLink-CUR-Export",
                           "prefixes": {"cur": "reports/cur2"}, "permissionSets": ["core", "cur-bucket-read"]}}


def delivery_event(stack):
    export = "CostLink-CUR-Export"
    return {"type": "delivery.completed", "id": "evt_" + uuid.uuid4().hex + "00000000",
            "occurredAt": "2026-06-02T00:00:03.512Z", "accountId": stack.account, "partition": "aws",
            "region": "us-east-1", "stackId": stack.stack_id,
            "delivery": {"kind": "CUR2", "bucket": "acme-costlink-cur", "exportName": export, "billingPeriod": "2026-05",
                         "manifestKey": f"reports/cur2/{export}/metadata/BILLING_PERIOD=2026-05/{export}-Manifest.json",
                         "fileCount": 1, "totalRows": 3, "totalBytes": 1200}}


def connection_item(moto, tables, external_id, body):
    return moto.client("dynamodb").get_item(TableName=tables["ConnectionsTable"], ConsistentRead=True, Key={
        "tenant": {"S": sha(external_id)},
        "connection": {"S": f"{body['accountId']}#{body['connection']['roleArn']}"}}).get("Item")


def seen(moto, tables, event_id):
    return "Item" in moto.client("dynamodb").get_item(TableName=tables["EventsTable"], ConsistentRead=True,
                                                      Key={"eventId": {"S": event_id}})


def nothing_written(moto, tables, external_id, body):
    assert not seen(moto, tables, body["id"]), "the event is not recorded"
    assert connection_item(moto, tables, external_id, body) is None, "no connection is written"


def verification_requests(moto, queue):
    sqs = moto.client("sqs")
    out = []
    while True:
        got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if not got:
            return out
        out += [json.loads(m["Body"]) for m in got]


def send(registry, moto, body, keys, external_id=None, **kw):
    return post(registry, body, keys=keys, sts_endpoint=moto.endpoint, external_id=external_id, **kw)


# ------------------------------------------------------------------------------------------------ accepted
def test_a_connection_proven_by_its_callback_role_is_recorded_pending_and_the_verifier_is_asked(
        moto, tables, queue, registry, tenant, stack):
    body = connection_event(tenant, stack)
    assert send(registry, moto, body, stack.callback, tenant) == (200, {"status": "accepted"})
    item = connection_item(moto, tables, tenant, body)
    assert item["status"]["S"] == SCHEMA["Connections"]["PENDING"]
    assert item["pendingReason"]["S"] == PENDING_REASON
    assert item["stackId"]["S"] == stack.stack_id and "approval" not in item
    requests = [r for r in verification_requests(moto, queue)
                if r["connection"] == f"{body['accountId']}#{body['connection']['roleArn']}"]
    assert len(requests) == 1 and requests[0]["tenant"] == sha(tenant), requests
    assert datetime.datetime.fromisoformat(requests[0]["asOf"].replace("Z", "+00:00"))
    assert send(registry, moto, body, stack.callback, tenant) == (200, {"status": "duplicate"})


def test_a_delivery_proven_by_the_detector_role_needs_no_external_id(moto, tables, registry, tenant, stack):
    registered = connection_event(tenant, stack)
    assert send(registry, moto, registered, stack.callback, tenant)[0] == 200
    delivery = delivery_event(stack)
    status, reply = send(registry, moto, delivery, stack.detector)
    assert (status, reply["error"].split(" records")[0]) == (
        409, "no ACTIVE connection registered by this stack in accountId"), "a PENDING connection owns no delivery"
    assert not seen(moto, tables, delivery["id"])
    # The verifier proves the role (tests/test_verifier.py): the connection is ACTIVE.
    moto.client("dynamodb").update_item(TableName=tables["ConnectionsTable"], Key={
        "tenant": {"S": sha(tenant)}, "connection": {"S": f"{stack.account}#{registered['connection']['roleArn']}"}},
        UpdateExpression="SET #s = :a", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":a": {"S": "ACTIVE"}})
    assert send(registry, moto, delivery, stack.detector) == (200, {"status": "accepted"})
    item = moto.client("dynamodb").get_item(TableName=tables["DeliveriesTable"], Key={
        "tenantAccount": {"S": sha(tenant) + "#" + stack.account}, "export": {"S": "CUR2#CostLink-CUR-Export"}})["Item"]
    assert item["lastDelivery"]["M"]["eventId"]["S"] == delivery["id"]
    named = delivery_event(stack)
    named["externalIdSha256"] = sha("cl-another-tenant")
    assert send(registry, moto, named, stack.detector)[0] == 409, "a delivery naming another tenant"


def test_an_account_outside_the_tenants_policy_is_held_for_approval(moto, tables, queue, registry, stack):
    held = "cl-held-" + uuid.uuid4().hex
    moto.client("dynamodb").put_item(TableName=tables["TenantsTable"], Item={
        "externalIdSha256": {"S": sha(held)}, "externalId": {"S": held}, "name": {"S": "Held"},
        "status": {"S": "ACTIVE"}, "allowedAccounts": {"L": [{"S": "999999999999"}]}})
    body = connection_event(held, stack)
    assert send(registry, moto, body, stack.callback, held) == (200, {"status": "accepted"})
    item = connection_item(moto, tables, held, body)
    assert (item["status"]["S"], item["approval"]["S"], item["pendingReason"]["S"]) == (
        "PENDING", "REQUIRED", HELD_REASON)
    assert all(r["tenant"] != sha(held) for r in verification_requests(moto, queue)), "a held account is not proved"


# ------------------------------------------------------------------------------------------------ refused
def test_an_event_forged_with_only_the_external_id_is_refused(moto, tables, registry, tenant, stack):
    for body in (connection_event(tenant, stack), connection_event(tenant, stack, "connection.deleted")):
        assert send(registry, moto, body, None, tenant) == (401, {"error": "CostLink-Identity is required"})
        nothing_written(moto, tables, tenant, body)
    delivery = delivery_event(stack)
    delivery["externalIdSha256"] = sha(tenant)
    assert send(registry, moto, delivery, None, tenant)[0] == 401
    assert not seen(moto, tables, delivery["id"])


def test_a_body_changed_after_signing_is_refused(moto, tables, registry, tenant, stack):
    body = connection_event(tenant, stack)
    signed_for = raw({**body, "region": "eu-west-1"})
    header = proof(stack.callback, signed_for, registry, moto.endpoint)
    status, reply = send(registry, moto, body, None, tenant, headers={"CostLink-Identity": header})
    assert (status, reply) == (401, {"error": "the proof was signed for another body"})
    nothing_written(moto, tables, tenant, body)


def test_a_proof_reused_for_another_body_is_refused(moto, tables, registry, tenant, stack):
    first = connection_event(tenant, stack)
    header = proof(stack.callback, raw(first), registry, moto.endpoint)
    other = connection_event(tenant, stack, "connection.deleted")
    status, reply = send(registry, moto, other, None, tenant, headers={"CostLink-Identity": header})
    assert (status, reply) == (401, {"error": "the proof was signed for another body"})
    nothing_written(moto, tables, tenant, other)
    forged = connection_event(tenant, stack)
    assert send(registry, moto, forged, stack.callback, tenant, body_sha256=sha("{}"))[0] == 401
    nothing_written(moto, tables, tenant, forged)


def test_a_proof_for_another_vendors_audience_is_refused(moto, tables, registry, tenant, stack):
    body = connection_event(tenant, stack)
    status, reply = send(registry, moto, body, stack.callback, tenant, audience="registry.another-vendor.example")
    assert (status, reply) == (401, {"error": "the proof was signed for another audience"})
    nothing_written(moto, tables, tenant, body)


def test_an_expired_proof_is_refused(moto, tables, registry, tenant, stack):
    body = connection_event(tenant, stack)
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    status, reply = send(registry, moto, body, stack.callback, tenant, at=old)
    assert status == 401 and reply["error"].startswith("the proof was signed more than 15 minutes ago"), reply
    nothing_written(moto, tables, tenant, body)


def test_a_signature_sts_refuses_is_a_401(moto, tables, registry, tenant, stack):
    body = connection_event(tenant, stack)
    from costlink_tools import identity_proof
    import base64
    header = proof(stack.callback, raw(body), registry, moto.endpoint)
    headers = json.loads(base64.urlsafe_b64decode(header[3:] + "=" * (-len(header[3:]) % 4)))["headers"]
    signature = headers["authorization"][-64:]
    headers["authorization"] = headers["authorization"][:-64] + ("0" if signature[0] != "0" else "1") + signature[1:]
    tampered = "v1." + base64.urlsafe_b64encode(json.dumps({"headers": headers}).encode()).decode().rstrip("=")
    status, reply = send(registry, moto, body, None, tenant, headers={identity_proof.HEADER: tampered})
    assert (status, reply) == (401, {"error": "STS refused the proof (SignatureDoesNotMatch)"})
    nothing_written(moto, tables, tenant, body)


def test_another_accounts_identity_is_a_403(moto, tables, registry, tenant, stack):
    body = connection_event(tenant, stack, account="111122223333")   # signed by the callback role of 123456789012
    status, reply = send(registry, moto, body, stack.callback, tenant)
    assert status == 403 and reply["error"].startswith("the proof was signed by an identity of another account"), reply
    nothing_written(moto, tables, tenant, body)


def test_another_role_of_the_same_account_is_a_403(moto, tables, registry, tenant, stack):
    body = connection_event(tenant, stack)
    other_stack = Stack(moto)
    for keys in (stack.detector, other_stack.callback):
        status, reply = send(registry, moto, body, keys, tenant)
        assert (status, reply) == (403, {"error": "the proof was not signed by this stack's own function role"})
    nothing_written(moto, tables, tenant, body)
    delivery = delivery_event(stack)
    assert send(registry, moto, delivery, stack.callback)[0] == 403, "the callback does not send deliveries"
    assert not seen(moto, tables, delivery["id"])


def test_an_update_from_another_stack_is_a_403(moto, tables, registry, tenant, stack):
    created = connection_event(tenant, stack)
    assert send(registry, moto, created, stack.callback, tenant)[0] == 200
    other = Stack(moto)
    deleted = connection_event(tenant, other, "connection.deleted", role=created["connection"]["roleArn"].split("/")[-1])
    deleted["occurredAt"] = "2026-11-22T10:00:00.000Z"
    status, reply = send(registry, moto, deleted, other.callback, tenant)
    assert (status, reply) == (403, {"error": "the connection is registered by another stack"})
    assert not seen(moto, tables, deleted["id"])
    assert connection_item(moto, tables, tenant, created)["status"]["S"] == "PENDING"


def test_sts_down_is_a_503_and_nothing_is_recorded(moto, tables, queue, vendor_built, tenant, stack):
    closed = f"http://127.0.0.1:{free_port()}"
    url, runner = start_registry(moto, tables, queue, AWS_ENDPOINT_URL_STS=closed)
    try:
        body = connection_event(tenant, stack)
        status, reply = post(url.url, body, keys=stack.callback, sts_endpoint=closed, external_id=tenant)
        assert status == 503 and reply["error"].startswith("STS could not be reached"), reply
        nothing_written(moto, tables, tenant, body)
    finally:
        url.stop()
        runner.stop()
