"""The vendor's registry endpoint under the Lambda emulator, behind a local function URL, on moto DynamoDB: the real
connection callback and delivery detector post to it, and every kind of bad request is refused with the right status."""
import hashlib
import os
import hmac
import json
import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import ROOT
from costlink_tools.demo import create_tables
from costlink_tools.function_url import FunctionUrl
from costlink_tools.lambda_runner import FAKE_CREDENTIALS, FunctionSpec, LambdaRunner
from support.contract import validate as validate_contract
from support.deliveries import Builder, s3_notification

VENDOR_BUILD = ROOT / ".aws-sam" / "vendor"
from costlink_tools.demo import TABLE_ENV  # noqa: E402


@pytest.fixture(scope="module")
def vendor_built():
    result = subprocess.run(["sam", "build", "--config-env", "vendor"], cwd=ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return VENDOR_BUILD


@pytest.fixture(scope="module")
def tables(moto):
    """The vendor stack's tables, created from vendor.yaml's own key schemas (moto skips the KMS encryption)."""
    return create_tables(moto, suffix="-" + uuid.uuid4().hex[:6])


@pytest.fixture(scope="module")
def registry(vendor_built, moto, tables):
    spec = FunctionSpec.from_template("RegistryFunction", ROOT / "vendor.yaml")
    env = {TABLE_ENV[k]: v for k, v in tables.items()}
    runner = LambdaRunner(spec, code_dir=VENDOR_BUILD / "RegistryFunction",
                          env={**env, "AWS_ENDPOINT_URL": moto.endpoint}).start()
    url = FunctionUrl(runner)
    yield url, runner
    url.stop()
    runner.stop()


def create_tenant(moto, tables, registry_url, name="Acme Corp"):
    out = subprocess.run([str(ROOT / "costlink"), "tenant", "create", "--name", name, "--endpoint-url", moto.endpoint,
                          "--tenants-table", tables["TenantsTable"], "--callback-url", registry_url,
                          "--vendor-account-id", "999988887777"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, **FAKE_CREDENTIALS})
    assert out.returncode == 0, out.stderr
    external_id = re.search(r"ExternalId \(secret.*\): (\S+)", out.stdout).group(1)
    link = out.stdout.strip().splitlines()[-1]
    return external_id, link


@pytest.fixture(scope="module")
def tenant(moto, tables, registry):
    return create_tenant(moto, tables, registry[0].url)[0]


def signed(url, external_id, body, ts=None, headers=None, raw=None, method="POST"):
    raw = raw if raw is not None else json.dumps(body, separators=(",", ":")).encode()
    ts = str(int(time.time()) if ts is None else ts)
    h = {"Content-Type": "application/json", "CostLink-Timestamp": ts,
         "CostLink-Signature": "v1=" + hmac.new(external_id.encode(), ts.encode() + b"." + raw,
                                                hashlib.sha256).hexdigest(),
         "Idempotency-Key": body.get("id", "") if isinstance(body, dict) else ""}
    for k, v in (headers or {}).items():
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    req = urllib.request.Request(url, data=raw, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def connection_event(external_id, type_="connection.created", role="CostLink-ReadAccess", account="111122223333"):
    return {"type": type_, "id": "evt_" + uuid.uuid4().hex + "00000000", "occurredAt": "2026-11-22T09:00:00.000Z",
            "externalIdSha256": hashlib.sha256(external_id.encode()).hexdigest(), "accountId": account,
            "partition": "aws", "region": "us-east-1",
            "stackId": f"arn:aws:cloudformation:us-east-1:{account}:stack/CostLink/x",
            "connection": {"roleArn": f"arn:aws:iam::{account}:role/{role}", "accountType": "Linked",
                           "deploymentScenario": "LinkedAccount", "permissionSets": ["core"]}}


def connection_item(moto, tables, external_id, account, role):
    item = moto.client("dynamodb").get_item(TableName=tables["ConnectionsTable"], Key={
        "tenant": {"S": hashlib.sha256(external_id.encode()).hexdigest()},
        "connection": {"S": f"{account}#arn:aws:iam::{account}:role/{role}"}}).get("Item")
    return item


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
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="cfn-answers")
    key = f"r/{uuid.uuid4()}"
    event = json.loads((ROOT / "events" / "connection-create.json").read_text())
    event["ResponseURL"] = s3.generate_presigned_url("put_object", Params={"Bucket": "cfn-answers", "Key": key})
    event["ResourceProperties"].update(CallbackUrl=registry[0].url, ExternalId=tenant)
    with LambdaRunner(FunctionSpec.from_template("ConnectionCallbackFunction"),
                      env={"AWS_ENDPOINT_URL": moto.endpoint}) as callback:
        callback.invoke(event)
    answer = json.loads(s3.get_object(Bucket="cfn-answers", Key=key)["Body"].read())
    assert answer["Status"] == "SUCCESS", answer
    item = connection_item(moto, tables, tenant, "111122223333", "CostLink-ReadAccess")
    assert item["status"]["S"] == "ACTIVE"
    assert item["facts"]["M"]["bucket"]["S"] == "acme-costlink-cur"
    assert item["facts"]["M"]["prefixes"]["M"]["cur"]["S"] == "reports/cur2"
    assert [h["M"]["type"]["S"] for h in item["history"]["L"]] == ["connection.created"]


def test_the_delivery_detector_reports_into_the_registry(moto, tables, registry, tenant, sam_built):
    s3 = moto.client("s3")
    env = json.loads((ROOT / "events" / "env.json").read_text())["DeliveryDetectorFunction"]
    s3.create_bucket(Bucket=env["COSTLINK_BUCKET"])
    d = Builder(s3, env["COSTLINK_BUCKET"]).cur2(files=2, rows=3)
    with LambdaRunner(FunctionSpec.from_template("DeliveryDetectorFunction"),
                      env={**env, "COSTLINK_CALLBACK_URL": registry[0].url, "COSTLINK_EXTERNAL_ID": tenant,
                           "AWS_ENDPOINT_URL": moto.endpoint}) as detector:
        result = detector.invoke(s3_notification(env["COSTLINK_BUCKET"], d.manifest_key)).json()
    assert result["deliveries"][0]["vendor"] == "DELIVERED", result
    item = moto.client("dynamodb").get_item(TableName=tables["DeliveriesTable"], Key={
        "tenantAccount": {"S": hashlib.sha256(tenant.encode()).hexdigest() + "#012345678912"},
        "export": {"S": "CUR2#CostLink-CUR-Export"}})["Item"]
    assert item["lastDelivery"]["M"]["type"]["S"] == "delivery.completed"
    assert item["lastDelivery"]["M"]["totalRows"]["N"] == "6"
    assert "lastValidAt" in item


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


def test_the_same_event_twice_is_accepted_once(moto, tables, registry, tenant):
    body = connection_event(tenant, role="Twice")
    assert signed(registry[0].url, tenant, body) == (200, {"status": "accepted"})
    assert signed(registry[0].url, tenant, body) == (200, {"status": "duplicate"})
    item = connection_item(moto, tables, tenant, "111122223333", "Twice")
    assert len(item["history"]["L"]) == 1


# ------------------------------------------------------------------------------------------------ bad requests
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


def test_only_post(registry, tenant):
    assert signed(registry[0].url, tenant, connection_event(tenant), method="PUT")[0] == 405


def test_the_events_file_is_a_function_url_request(registry):
    runner = registry[1]
    reply = runner.invoke(json.loads((ROOT / "events" / "registry-connection-created.json").read_text())).json()
    # Its signature is genuine but from 2026-11-22T09:00Z, so today it is (rightly) a stale timestamp or unknown tenant.
    assert reply["statusCode"] in (401, 404)
    assert reply["headers"] == {"content-type": "application/json"}


def test_logs_never_hold_a_secret(registry, tenant):
    logs = registry[1].logs()
    assert tenant not in logs
    assert "v1=" not in logs
