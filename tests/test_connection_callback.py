"""The connection callback, invoked as Lambda invokes it (RIE + Java runtime interface client) with the events/ files.
ResponseURL is a real pre-signed S3 PUT URL on the local moto server; the vendor is a local server that verifies
signatures. Each case asserts the exact answer CloudFormation reads back and that it came before the deadline."""
import copy
import hashlib
import hmac
import json
import socket
import socketserver
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

import pytest

from conftest import ROOT
from costlink_tools import identity_proof
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner, free_port
from costlink_tools.stand_in_vendor import Answer, Received, Vendor
from support.contract import validate as validate_contract

EVENTS = ROOT / "events"
EXTERNAL_ID = json.loads((EVENTS / "connection-create.json").read_text())["ResourceProperties"]["ExternalId"]
ROLE_ARN = "arn:aws:iam::111122223333:role/CostLink-ReadAccess"
CONNECTION_ID = "costlink-111122223333-" + hashlib.sha256(ROLE_ARN.encode()).hexdigest()[:16]
BUCKET = "cfn-responses"
QUEUE_URL = json.loads((EVENTS / "connection-create.json").read_text())["ResourceProperties"][
    "DeliveryFailuresQueueUrl"]
# Retry cases run with a 15 s function timeout instead of the template's 60 s, to keep the suite short; the budgets
# scale with the remaining time, so the behaviour is the same.
SHORT = 15
ALL_LOGS: list[str] = []


def event(name, **changes):
    e = json.loads((EVENTS / name).read_text())
    for key, value in changes.items():
        if key.startswith("prop_"):
            e["ResourceProperties"][key[5:]] = value
        else:
            e[key] = value
    return e


@pytest.fixture(scope="module")
def spec(sam_built):
    return FunctionSpec.from_template("ConnectionCallbackFunction")


@pytest.fixture(scope="module")
def responses(moto):
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


@pytest.fixture
def vendor():
    v = Vendor(EXTERNAL_ID)
    yield v
    v.stop()


class Cfn:
    """What CloudFormation sees: the pre-signed URL it hands out, and the object the function PUTs there."""

    def __init__(self, s3):
        self.s3 = s3
        self.key = f"responses/{uuid.uuid4()}"
        self.url = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": self.key}, ExpiresIn=3600)

    def answer(self):
        return json.loads(self.s3.get_object(Bucket=BUCKET, Key=self.key)["Body"].read())

    def answered(self):
        try:
            self.s3.head_object(Bucket=BUCKET, Key=self.key)
            return True
        except Exception:
            return False


def run(spec, request, *, vendor=None, timeout=None, env=None, cfn=None, response_url=None):
    if vendor is not None and "CallbackUrl" in request.get("ResourceProperties", {}):
        request["ResourceProperties"]["CallbackUrl"] = vendor.url
    if response_url is not None:
        request["ResponseURL"] = response_url
    elif cfn is not None:
        request["ResponseURL"] = cfn.url
    runner = LambdaRunner(spec, timeout=timeout, env={"AWS_ENDPOINT_URL": _moto_endpoint(cfn), **(env or {})})
    with runner:
        invocation = runner.invoke(request)
        logs = runner.logs()
    ALL_LOGS.append(logs)
    assert EXTERNAL_ID not in logs
    for received in (vendor.received if vendor is not None else []):
        validate_contract("ConnectionEvent", received.json())
    assert invocation.seconds < (timeout or spec.timeout), "answered after the function's deadline"
    return invocation, logs


def _moto_endpoint(cfn):
    if cfn is None:
        return ""
    parts = urlsplit(cfn.url)
    return f"{parts.scheme}://{parts.netloc}"


def success(data, physical=CONNECTION_ID, request_id="7bfe1c4c-2b8a-4d7e-9f0a-1c2d3e4f5a6b"):
    return {"Status": "SUCCESS", "PhysicalResourceId": physical,
            "StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/CostLink/5b5a3e10-8f2b-11ef-9d1a-0a1b2c3d4e5f",
            "RequestId": request_id, "LogicalResourceId": "ConnectionCallback", "NoEcho": False,
            **({"Data": data} if data is not None else {})}


def failed(reason, physical=CONNECTION_ID, request_id="7bfe1c4c-2b8a-4d7e-9f0a-1c2d3e4f5a6b"):
    body = success(None, physical, request_id)
    body["Status"] = "FAILED"
    return {"Status": "FAILED", "Reason": reason, **{k: v for k, v in body.items() if k != "Status"}}


def event_id(stack_id, request_id, logical="ConnectionCallback"):
    return "evt_" + hashlib.sha256(f"{stack_id}\n{request_id}\n{logical}".encode()).hexdigest()[:40]


STACK_ID = "arn:aws:cloudformation:us-east-1:111122223333:stack/CostLink/5b5a3e10-8f2b-11ef-9d1a-0a1b2c3d4e5f"
UNREPORTED = "costlink-unreported-" + hashlib.sha256(f"{STACK_ID}\nConnectionCallback".encode()).hexdigest()[:16]
CREATE_EVENT_ID = event_id(STACK_ID, "7bfe1c4c-2b8a-4d7e-9f0a-1c2d3e4f5a6b")
DATA = {
    "CallbackStatus": "DELIVERED", "ConnectionId": CONNECTION_ID, "EventId": CREATE_EVENT_ID, "RoleArn": ROLE_ARN,
    "BucketName": "acme-costlink-cur", "CurVersion": "CUR2", "ExportName": "CostLink-CUR-Export",
    "ExportArn": "arn:aws:bcm-data-exports:us-east-1:111122223333:export/CostLink-CUR-Export-6f1d2b9e-4c3a-4e8b-9a7d-2f5e8c1b0a93",
    "CarbonExportName": "CostLink-Carbon-Export",
    "CarbonExportArn": "arn:aws:bcm-data-exports:us-east-1:111122223333:export/CostLink-Carbon-Export-0c8e7f6a-1b2d-4e3f-8a9b-7c6d5e4f3a21",
    "PermissionSets": "core,cur-bucket-read"}


# ------------------------------------------------------------------------------------------------ the happy paths
def test_create_reports_the_connection_and_succeeds(spec, responses, vendor):
    cfn = Cfn(responses)
    invocation, _ = run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn)
    assert not invocation.function_error, invocation.payload
    assert cfn.answer() == success(DATA)
    assert len(vendor.received) == 1
    sent = vendor.received[0]
    assert sent.signature_valid
    assert sent.proof_valid, sent.proof_problem  # the HMAC (tenant binding) and the proof of origin, both
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Idempotency-Key"] == CREATE_EVENT_ID
    assert abs(int(sent.headers["CostLink-Timestamp"]) - time.time()) < 60
    body = sent.json()
    occurred = body.pop("occurredAt")
    assert occurred.endswith("Z")
    assert body == {
        "type": "connection.created", "id": CREATE_EVENT_ID,
        "externalIdSha256": hashlib.sha256(EXTERNAL_ID.encode()).hexdigest(),
        "accountId": "111122223333", "partition": "aws", "region": "us-east-1", "stackId": STACK_ID,
        "connection": {
            "roleArn": ROLE_ARN, "connectionId": CONNECTION_ID, "accountType": "Root",
            "deploymentScenario": "NewBucketNewExport",
            "bucket": "acme-costlink-cur", "curVersion": "CUR2", "exportName": "CostLink-CUR-Export",
            "exportArn": DATA["ExportArn"], "carbonExportName": "CostLink-Carbon-Export",
            "carbonExportArn": DATA["CarbonExportArn"], "deliveryFailuresQueueUrl": QUEUE_URL,
            "prefixes": {"cur": "reports/cur2", "carbon": "reports/carbon-footprint"},
            "permissionSets": ["core", "cur-bucket-read"]}}


def test_linked_account_omits_absent_facts(spec, responses, vendor):
    cfn = Cfn(responses)
    request = event("connection-create.json")
    request["ResourceProperties"] = {k: v for k, v in request["ResourceProperties"].items()
                                     if k in ("ServiceToken", "CallbackUrl", "ExternalId", "FailureMode", "RoleArn")}
    request["ResourceProperties"].update(AccountType="Linked", DeploymentScenario="LinkedAccount",
                                         PermissionSets="core", BucketName="")
    run(spec, request, vendor=vendor, cfn=cfn)
    assert vendor.received[0].json()["connection"] == {
        "roleArn": ROLE_ARN, "connectionId": CONNECTION_ID, "accountType": "Linked",
        "deploymentScenario": "LinkedAccount", "permissionSets": ["core"]}
    assert cfn.answer()["Status"] == "SUCCESS"


def test_update_of_the_same_connection_keeps_its_id(spec, responses, vendor):
    cfn = Cfn(responses)
    run(spec, event("connection-update.json"), vendor=vendor, cfn=cfn)
    rid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
    data = {**DATA, "EventId": event_id(STACK_ID, rid), "PermissionSets": "core,cur-bucket-read,tag-management"}
    assert cfn.answer() == success(data, request_id=rid)
    body = vendor.received[0].json()
    assert body["type"] == "connection.updated"
    assert body["connection"]["permissionSets"] == ["core", "cur-bucket-read", "tag-management"]


def test_update_that_changes_the_role_is_a_new_connection(spec, responses, vendor):
    cfn = Cfn(responses)
    new_role = "arn:aws:iam::111122223333:role/FinOpsReader"
    run(spec, event("connection-update.json", prop_RoleArn=new_role), vendor=vendor, cfn=cfn)
    answer = cfn.answer()
    assert answer["Status"] == "SUCCESS"
    assert answer["PhysicalResourceId"] == "costlink-111122223333-" + hashlib.sha256(new_role.encode()).hexdigest()[:16]
    assert vendor.received[0].json()["type"] == "connection.created"


def test_delete_of_the_replaced_connection_reports_its_own_role(spec, responses, vendor):
    cfn = Cfn(responses)
    invocation, _ = run(spec, event("connection-delete.json"), vendor=vendor, cfn=cfn)
    rid = "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a"
    assert cfn.answer() == success(None, request_id=rid)
    body = vendor.received[0].json()
    assert body["type"] == "connection.deleted" and body["connection"]["roleArn"] == ROLE_ARN
    assert vendor.received[0].signature_valid


# ------------------------------------------------------------------------------------------------ the organisation
@pytest.fixture
def organisation(moto):
    """An organisation in moto whose management account is the one the function's credentials name; removed after."""
    organizations = moto.client("organizations")
    created = False
    try:
        organizations.create_organization(FeatureSet="ALL")
        created = True
    except organizations.exceptions.AlreadyInOrganizationException:
        pass
    yield organizations.describe_organization()["Organization"]
    if created:
        organizations.delete_organization()


def test_a_payer_reports_its_focus_export_and_its_organisation(spec, responses, vendor, organisation):
    cfn = Cfn(responses)
    request = event("connection-create-organization.json")
    invocation, _ = run(spec, request, vendor=vendor, cfn=cfn)
    assert not invocation.function_error, invocation.payload
    assert cfn.answer()["Status"] == "SUCCESS" and cfn.answer()["Data"]["CallbackStatus"] == "DELIVERED"
    connection = vendor.received[0].json()["connection"]
    props = request["ResourceProperties"]
    assert (connection["focusExportName"], connection["focusExportArn"], connection["prefixes"]["focus"]) == (
        props["FocusExportName"], props["FocusExportArn"], "reports/focus")
    assert connection["deliveryFailuresQueueUrl"] == QUEUE_URL and connection["connectionId"] == CONNECTION_ID
    assert connection["organization"] == {
        "organizationId": organisation["Id"], "managementAccountId": organisation["MasterAccountId"],
        "deploymentAccount": "ManagementAccount", "stackSetId": props["MemberStackSetId"],
        "targets": ["r-ab12", "ou-ab12-cdef3456"], "memberRoleName": "CostLink-MemberReadAccess",
        "memberPermissionSets": ["core"]}


def test_an_organisation_that_cannot_be_described_is_reported_without_its_ids(spec, responses, vendor):
    # DescribeOrganization never answers: the event waits a bounded time, then goes without the two ids.
    silent = SilentEndpoint()
    try:
        cfn = Cfn(responses)
        invocation, logs = run(spec, event("connection-create-organization.json"), vendor=vendor, cfn=cfn,
                               env={"AWS_ENDPOINT_URL": silent.url})
        assert cfn.answer()["Data"]["CallbackStatus"] == "DELIVERED"
        organization = vendor.received[0].json()["connection"]["organization"]
        assert "organizationId" not in organization and "managementAccountId" not in organization
        assert organization["targets"] == ["r-ab12", "ou-ab12-cdef3456"]
        assert "the organisation is not described in time" in logs
    finally:
        silent.stop()


# ------------------------------------------------------------------------------------------------ the fault matrix
def test_vendor_500_twice_then_200(spec, responses):
    vendor = Vendor(EXTERNAL_ID, [Answer(500, "busy"), Answer(503, "busy")])
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn, timeout=SHORT)
        assert cfn.answer() == success(DATA)
        assert len(vendor.received) == 3
        assert {r.headers["Idempotency-Key"] for r in vendor.received} == {CREATE_EVENT_ID}
        assert all(r.signature_valid for r in vendor.received)
        assert len(vendor.events) == 1
    finally:
        vendor.stop()


def test_vendor_400_fails_at_once_with_its_message(spec, responses):
    vendor = Vendor(EXTERNAL_ID, default=Answer(400, '{"error":"unknown tenant for this ExternalId"}'))
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn)
        assert cfn.answer() == failed('Could not report the connection to the vendor: vendor rejected the event '
                                      '(HTTP 400: {"error":"unknown tenant for this ExternalId"})')
        assert len(vendor.received) == 1
    finally:
        vendor.stop()


@pytest.mark.parametrize("status", [408, 429])
def test_vendor_408_and_429_are_retried(spec, responses, status):
    vendor = Vendor(EXTERNAL_ID, [Answer(status, "slow down")])
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn, timeout=SHORT)
        assert cfn.answer() == success(DATA)
        assert len(vendor.received) == 2
    finally:
        vendor.stop()


def test_vendor_never_answers(spec, responses):
    vendor = Vendor(EXTERNAL_ID, default=Answer(hang=True))
    try:
        cfn = Cfn(responses)
        invocation, _ = run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn, timeout=SHORT)
        answer = cfn.answer()
        assert answer == failed(answer["Reason"])
        assert answer["Reason"].startswith("Could not report the connection to the vendor: vendor unreachable after ")
        assert "timed out" in answer["Reason"]
    finally:
        vendor.stop()


def test_connection_refused(spec, responses):
    cfn = Cfn(responses)
    request = event("connection-create.json", prop_CallbackUrl=f"http://127.0.0.1:{free_port()}/callback")
    invocation, _ = run(spec, request, cfn=cfn, timeout=SHORT)
    answer = cfn.answer()
    assert answer == failed(answer["Reason"])
    assert "vendor unreachable after" in answer["Reason"] and "ConnectException" in answer["Reason"]
    attempts = int(answer["Reason"].split("unreachable after ")[1].split(" ")[0])
    assert attempts >= 3, "refused connections are retried with backoff"


def test_vendor_slower_than_the_budget(spec, responses):
    vendor = Vendor(EXTERNAL_ID, default=Answer(200, delay=40))
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn, timeout=SHORT)
        answer = cfn.answer()
        assert answer == failed(answer["Reason"])
        assert "timed out" in answer["Reason"]
    finally:
        vendor.stop()


def test_failure_mode_complete_with_warning(spec, responses):
    vendor = Vendor(EXTERNAL_ID, default=Answer(400, "no such tenant"))
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-create.json", prop_FailureMode="CompleteWithWarning"), vendor=vendor, cfn=cfn)
        data = {**DATA, "CallbackStatus": "NOT DELIVERED. Could not report the connection to the vendor: vendor "
                                          "rejected the event (HTTP 400: no such tenant)"}
        assert cfn.answer() == success(data)
    finally:
        vendor.stop()


class FlakyProxy:
    """Stands between the function and S3: answers 500 to the first `failures` PUTs, then forwards."""

    def __init__(self, target_netloc, failures=1):
        import urllib.request
        proxy = self
        self.failures = failures
        self.seen = 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy.seen += 1
                if proxy.seen <= proxy.failures:
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                req = urllib.request.Request(f"http://{target_netloc}{self.path}", data=body, method="PUT",
                                             headers={"Content-Type": self.headers.get("Content-Type", "")})
                with urllib.request.urlopen(req) as resp:
                    status = resp.status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.netloc = f"127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_response_url_answering_500_once_is_retried(spec, responses, vendor):
    cfn = Cfn(responses)
    parts = urlsplit(cfn.url)
    proxy = FlakyProxy(parts.netloc)
    try:
        url = urlunsplit(parts._replace(netloc=proxy.netloc))
        invocation, _ = run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn, response_url=url)
        assert not invocation.function_error
        assert proxy.seen == 2
        assert cfn.answer() == success(DATA)
    finally:
        proxy.stop()


def test_response_url_unreachable_fails_the_invocation_for_a_retry(spec, responses, vendor):
    url = f"http://127.0.0.1:{free_port()}/responses/x?X-Amz-Signature=abc"
    invocation, logs = run(spec, event("connection-create.json"), vendor=vendor, response_url=url)
    assert invocation.function_error
    assert "could not deliver the response to ResponseURL" in invocation.json()["errorMessage"]
    assert len(vendor.events) == 1, "the vendor event is recorded once; a Lambda retry reuses its key"


def test_event_missing_properties(spec, responses, vendor):
    cfn = Cfn(responses)
    request = event("connection-create.json")
    for key in ("CallbackUrl", "ExternalId"):
        del request["ResourceProperties"][key]
    run(spec, request, vendor=vendor, cfn=cfn)
    unreported = "costlink-unreported-" + hashlib.sha256(f"{STACK_ID}\nConnectionCallback".encode()).hexdigest()[:16]
    assert cfn.answer() == failed("Invalid ResourceProperties: ResourceProperties is missing CallbackUrl, ExternalId",
                                  physical=unreported)
    assert vendor.received == []


def test_event_missing_request_fields(spec, responses, vendor):
    cfn = Cfn(responses)
    request = event("connection-create.json")
    del request["RequestId"]
    del request["ResourceProperties"]
    run(spec, request, vendor=vendor, cfn=cfn)
    answer = cfn.answer()
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == "Invalid request: missing RequestId, ResourceProperties"


def test_unknown_request_type(spec, responses, vendor):
    cfn = Cfn(responses)
    run(spec, event("connection-create.json", RequestType="Replace"), vendor=vendor, cfn=cfn)
    unreported = "costlink-unreported-" + hashlib.sha256(f"{STACK_ID}\nConnectionCallback".encode()).hexdigest()[:16]
    assert cfn.answer() == failed("Unsupported RequestType: expected Create, Update or Delete", physical=unreported)
    assert vendor.received == []


def test_vendor_error_text_of_10_kb_is_truncated(spec, responses):
    vendor = Vendor(EXTERNAL_ID, default=Answer(422, "x" * 10_240))
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn)
        raw = cfn.s3.get_object(Bucket=BUCKET, Key=cfn.key)["Body"].read()
        assert len(raw) <= 4096
        answer = json.loads(raw)
        assert answer["Status"] == "FAILED"
        assert answer["Reason"].startswith("Could not report the connection to the vendor: vendor rejected the event "
                                           "(HTTP 422: xxxx")
        assert answer["Reason"].endswith("...") and len(answer["Reason"].encode()) <= 1024
    finally:
        vendor.stop()


def test_same_request_delivered_twice(spec, responses, vendor):
    first, second = Cfn(responses), Cfn(responses)
    run(spec, event("connection-create.json"), vendor=vendor, cfn=first)
    run(spec, event("connection-create.json"), vendor=vendor, cfn=second)
    assert first.answer() == second.answer() == success(DATA)
    assert [r.headers["Idempotency-Key"] for r in vendor.received] == [CREATE_EVENT_ID, CREATE_EVENT_ID]
    assert list(vendor.events) == [CREATE_EVENT_ID], "one vendor event"


def test_delete_with_the_vendor_down(spec, responses):
    cfn = Cfn(responses)
    request = event("connection-delete.json", prop_CallbackUrl=f"http://127.0.0.1:{free_port()}/callback")
    invocation, _ = run(spec, request, cfn=cfn)
    assert cfn.answer() == success(None, request_id="3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a")
    assert invocation.seconds < 10, "a delete never waits long for the vendor"


def test_delete_with_the_vendor_hanging(spec, responses):
    vendor = Vendor(EXTERNAL_ID, default=Answer(hang=True))
    try:
        cfn = Cfn(responses)
        invocation, _ = run(spec, event("connection-delete.json"), vendor=vendor, cfn=cfn)
        assert cfn.answer() == success(None, request_id="3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a")
        assert invocation.seconds < 10
        assert len(vendor.received) == 1, "one best-effort notice"
    finally:
        vendor.stop()


def test_delete_of_an_unknown_physical_id(spec, responses, vendor):
    cfn = Cfn(responses)
    stream = "2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef"
    run(spec, event("connection-delete.json", PhysicalResourceId=stream), vendor=vendor, cfn=cfn)
    assert cfn.answer() == success(None, physical=stream, request_id="3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a")
    assert vendor.received == []


def test_failed_update_fails_when_the_stack_is_not_rolling_back(spec, responses, moto):
    cf = moto.client("cloudformation")
    stack_id = cf.create_stack(StackName=f"costlink-{uuid.uuid4().hex[:8]}", TemplateBody=json.dumps(
        {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}))["StackId"]
    vendor = Vendor(EXTERNAL_ID, default=Answer(400, "refused"))
    try:
        cfn = Cfn(responses)
        request = event("connection-update.json", StackId=stack_id)
        request["ResourceProperties"]["RoleArn"] = ROLE_ARN
        physical = "costlink-123456789012-" + hashlib.sha256(ROLE_ARN.encode()).hexdigest()[:16]
        request["PhysicalResourceId"] = physical
        run(spec, request, vendor=vendor, cfn=cfn)
        answer = cfn.answer()
        assert answer["Status"] == "FAILED", answer
        assert answer["PhysicalResourceId"] == physical
    finally:
        vendor.stop()


def test_failed_update_never_fails_a_stack_it_cannot_see(spec, responses):
    # DescribeStacks answers "does not exist" here: the function cannot tell a rollback from an update, and
    # completing with a warning is the choice that can never strand a stack in UPDATE_ROLLBACK_FAILED.
    vendor = Vendor(EXTERNAL_ID, default=Answer(400, "refused"))
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-update.json"), vendor=vendor, cfn=cfn)
        answer = cfn.answer()
        assert answer["Status"] == "SUCCESS"
        assert answer["Data"]["CallbackStatus"].startswith("NOT DELIVERED during rollback. ")
    finally:
        vendor.stop()


def test_malformed_event_is_an_invocation_error(spec):
    runner = LambdaRunner(spec)
    with runner:
        invocation = runner.invoke(b"{not json")
        logs = runner.logs()
    assert invocation.function_error
    assert "not a CloudFormation custom resource request" in invocation.json()["errorMessage"]
    assert "{not json" not in logs


def test_event_without_response_url_is_an_invocation_error(spec):
    request = event("connection-create.json")
    del request["ResponseURL"]
    runner = LambdaRunner(spec)
    with runner:
        invocation = runner.invoke(request)
    assert invocation.function_error
    assert "no ResponseURL" in invocation.json()["errorMessage"]


# ------------------------------------------------------------------------------------------------ list-typed properties
KNOWN_SETS = ["core", "cur-bucket-read", "ec2-start-stop", "commitment-purchase", "tag-management", "automation"]


def test_permission_sets_as_a_json_list(spec, responses, vendor):
    # `PermissionSets: [core, cur-bucket-read]` in a template reaches the function as a JSON array.
    cfn = Cfn(responses)
    run(spec, event("connection-create.json", prop_PermissionSets=["core", "cur-bucket-read"]), vendor=vendor, cfn=cfn)
    assert cfn.answer() == success(DATA)
    assert vendor.received[0].json()["connection"]["permissionSets"] == ["core", "cur-bucket-read"]


def test_every_permission_set_the_contract_names_is_accepted(spec, responses, vendor):
    from support.contract import _document
    names = _document()["components"]["schemas"]["Connection"]["properties"]["permissionSets"]["items"]["enum"]
    cfn = Cfn(responses)
    run(spec, event("connection-create.json", prop_PermissionSets=names), vendor=vendor, cfn=cfn)
    assert cfn.answer()["Data"]["PermissionSets"] == ",".join(names)
    assert vendor.received[0].json()["connection"]["permissionSets"] == names


@pytest.mark.parametrize("value", [["core", "root-access"], "core,root-access"])
def test_an_unknown_permission_set_fails_naming_the_property(spec, responses, vendor, value):
    cfn = Cfn(responses)
    run(spec, event("connection-create.json", prop_PermissionSets=value), vendor=vendor, cfn=cfn)
    assert cfn.answer() == failed(
        "Invalid ResourceProperties: PermissionSets item 2 is not a known permission set (known: "
        + ", ".join(KNOWN_SETS) + ")", physical=UNREPORTED)
    assert vendor.received == []


@pytest.mark.parametrize("key,value,reason", [
    ("AccountType", {"Ref": "AccountType"}, "AccountType must be a string"),
    ("BucketName", ["acme-costlink-cur"], "BucketName must be a string"),
    ("ExportArn", 42, "ExportArn must be a string"),
    ("FailureMode", True, "FailureMode must be a string"),
    ("AccountType", "Master", "AccountType must be one of Root, Linked"),
    ("CurVersion", "CUR3", "CurVersion must be one of CUR2, CUR1"),
    ("RoleArn", "arn:aws:iam::111122223333:user/someone", "RoleArn is not an IAM role ARN"),
])
def test_property_values_the_contract_forbids_fail_by_name(spec, responses, vendor, key, value, reason):
    cfn = Cfn(responses)
    run(spec, event("connection-create.json", **{f"prop_{key}": value}), vendor=vendor, cfn=cfn)
    assert cfn.answer() == failed("Invalid ResourceProperties: " + reason, physical=UNREPORTED)
    assert vendor.received == []


def test_invalid_properties_fail_a_create_even_with_complete_with_warning(spec, responses, vendor):
    cfn = Cfn(responses)
    request = event("connection-create.json", prop_FailureMode="CompleteWithWarning", prop_AccountType="Master")
    run(spec, request, vendor=vendor, cfn=cfn)
    assert cfn.answer() == failed("Invalid ResourceProperties: AccountType must be one of Root, Linked",
                                  physical=UNREPORTED)


# ------------------------------------------------------------------------------------------------ a trickling vendor
class TricklingVendor:
    """Reads each request, sends `head` at once, then one byte of `trickle` every half second: no per-read timeout
    ever fires. Records the requests as the stand-in vendor does (for the contract and signature checks)."""

    def __init__(self, head: bytes, trickle: bytes = b"x" * 120):
        vendor = self
        self.received: list[Received] = []
        self._stop = threading.Event()

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head_part, body = data.split(b"\r\n\r\n", 1)
                request_line, *lines = head_part.decode("latin-1").split("\r\n")
                headers = dict(line.split(": ", 1) for line in lines)
                while len(body) < int(headers.get("Content-Length", 0)):
                    body += self.request.recv(65536)
                signed = f"{headers.get('CostLink-Timestamp', '')}.".encode() + body
                expected = "v1=" + hmac.new(EXTERNAL_ID.encode(), signed, hashlib.sha256).hexdigest()
                vendor.received.append(Received(request_line.split(" ")[1], headers, body,
                                                hmac.compare_digest(expected, headers.get("CostLink-Signature", "")),
                                                time.monotonic()))
                try:
                    self.request.sendall(head)
                    for b in trickle:
                        if vendor._stop.wait(0.5):
                            return
                        self.request.sendall(bytes([b]))
                except OSError:
                    pass  # the function hung up

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/costlink/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_vendor_trickling_its_headers_is_cut_at_the_attempt_deadline(spec, responses):
    vendor = TricklingVendor(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn, timeout=SHORT)
        answer = cfn.answer()
        assert answer == failed(answer["Reason"])
        assert answer["Reason"].startswith("Could not report the connection to the vendor: vendor unreachable after ")
        assert "timed out: no complete answer within" in answer["Reason"]
        assert vendor.received and all(r.signature_valid for r in vendor.received)
    finally:
        vendor.stop()


def test_a_2xx_status_line_is_acceptance_whatever_the_body_does(spec, responses):
    vendor = TricklingVendor(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-create.json"), vendor=vendor, cfn=cfn, timeout=SHORT)
        assert cfn.answer() == success(DATA)
        assert len(vendor.received) == 1
    finally:
        vendor.stop()


# ------------------------------------------------------------------------------------------------ the rollback lookup
class SilentEndpoint:
    """Accepts connections and never answers: an AWS endpoint (DescribeStacks) that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def stop(self):
        self.sock.close()


def test_an_update_whose_stack_status_never_comes_completes_in_time(spec, responses):
    silent = SilentEndpoint()
    vendor = Vendor(EXTERNAL_ID, default=Answer(400, "refused"))
    try:
        cfn = Cfn(responses)
        run(spec, event("connection-update.json"), vendor=vendor, cfn=cfn, timeout=SHORT,
            env={"AWS_ENDPOINT_URL": silent.url})
        answer = cfn.answer()
        assert answer["Status"] == "SUCCESS"
        assert answer["Data"]["CallbackStatus"] == ("NOT DELIVERED during rollback. Could not report the connection "
                                                    "to the vendor: vendor rejected the event (HTTP 400: refused)")
    finally:
        vendor.stop()
        silent.stop()


# ------------------------------------------------------------------------------------------------ never echo the input
def test_a_malformed_event_never_echoes_its_content(spec):
    secret = "sekret-7f3a9c2b51"
    runner = LambdaRunner(spec)
    with runner:
        invocation = runner.invoke(
            ('{"RequestType": "Create", "ResourceProperties": {"ExternalId": ' + secret + '}}').encode())
        logs = runner.logs()
    assert invocation.function_error
    error = invocation.json()
    assert error["errorMessage"].startswith(
        "not a CloudFormation custom resource request: not valid JSON at line 1, column "), error["errorMessage"]
    for text in (logs, invocation.payload.decode()):
        assert "sekret" not in text and "7f3a9c2b51" not in text


def test_logs_are_structured_and_never_hold_the_secret(spec, responses, vendor):
    cfn = Cfn(responses)
    runner = LambdaRunner(spec, env={"AWS_ENDPOINT_URL": _moto_endpoint(cfn)})
    request = event("connection-create.json")
    request["ResourceProperties"]["CallbackUrl"] = vendor.url
    request["ResponseURL"] = cfn.url
    with runner:
        runner.invoke(request)
        lines = runner.json_logs()
        logs = runner.logs()
    assert {"request received", "vendor callback finished", "response sent to CloudFormation"} <= {
        l["message"] for l in lines}
    assert all(l["requestId"] and l["function"] == "connection-callback" for l in lines)
    for received in vendor.received:
        validate_contract("ConnectionEvent", received.json())
    signature = vendor.received[0].headers["CostLink-Signature"]
    proof = vendor.received[0].headers["CostLink-Identity"]
    signed = identity_proof.decode(proof)
    for secret in (EXTERNAL_ID, signature, signature[3:], cfn.url, proof, signed["authorization"],
                   signed["x-amz-security-token"]):
        assert secret not in logs
    for logs in ALL_LOGS:
        assert EXTERNAL_ID not in logs
