"""The senders' proof of origin by AWS (docs/security.md), end to end on moto with IAM authorisation on: the BUILT
connection callback and delivery detector, run as Lambda runs them (RIE + Java runtime interface client) with session
credentials of their own execution roles (costlink-callback-<stack uuid>, costlink-detector-<stack uuid>, assumed with
the function's name as session name), send events to a stand-in vendor that reads each CostLink-Identity proof,
checks its body hash and audience, and replays it to moto's STS, which must answer the function's own assumed-role
ARN. The registry's own checks are tested with the registry (tests/test_registry_endpoint.py)."""
import copy
import dataclasses
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from conftest import ROOT
from costlink_tools import identity_proof
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner
from costlink_tools.local_cloud.aws import CUSTOMER, EMULATOR_ALLOWANCE, LocalAws
from costlink_tools.local_cloud.lambda_service import LambdaService
from costlink_tools.stand_in_vendor import Vendor, replay
from support.deliveries import Builder, s3_notification

EVENTS = ROOT / "events"
DETECTOR_ENV = json.loads((EVENTS / "env.json").read_text())["DeliveryDetectorFunction"]
BUCKET = DETECTOR_ENV["COSTLINK_BUCKET"]
STACK_ID = f"arn:aws:cloudformation:us-east-1:{CUSTOMER}:stack/CostLink/{uuid.uuid4()}"
LAMBDA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture(scope="module")
def aws():
    """moto (plain moto.server) with IAM authorisation on; the customer's account is the one RIE names in every
    function ARN, so the detector's events report the account its role lives in."""
    cloud = LocalAws(tls=None, iam_auth=True, moto_module="moto.server").start()
    yield cloud
    cloud.stop()


def own_role(aws, name: str, policy: dict | None = None) -> str:
    iam = aws.client("iam", CUSTOMER)
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=LAMBDA_TRUST)["Role"]["Arn"]
    if policy:
        iam.put_role_policy(RoleName=name, PolicyName="Function", PolicyDocument=json.dumps(policy))
    return arn


def session_env(aws, role_arn: str, function_name: str) -> dict:
    """What Lambda gives the function: its execution role's session, named after the function."""
    return aws.function_environment(CUSTOMER, aws.role_session(CUSTOMER, role_arn, function_name))


def assumed_role_arn(role: str, session: str) -> str:
    return f"arn:aws:sts::{CUSTOMER}:assumed-role/{role}/{session}"


class ResponseUrl:
    """CloudFormation's ResponseURL, served locally: moto answers a pre-signed S3 URL with HTTP 500 while IAM
    authorisation is on (docs/emulator-notes.md)."""

    def __init__(self):
        self.answers: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_PUT(self):
                outer.answers.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/response"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def callback_sent(sam_built, aws):
    """One connection.created from the built callback, running as costlink-callback-<uuid>."""
    spec = FunctionSpec.from_template("ConnectionCallbackFunction")
    role = identity_proof.callback_role(STACK_ID)
    role_arn = own_role(aws, role)
    request = json.loads((EVENTS / "connection-create.json").read_text())
    external_id = request["ResourceProperties"]["ExternalId"]
    vendor = Vendor(external_id, sts_endpoint=aws.endpoint)
    response = ResponseUrl()
    request.update(StackId=STACK_ID, ResponseURL=response.url)
    request["ResourceProperties"].update(CallbackUrl=vendor.url,
                                         RoleArn=f"arn:aws:iam::{CUSTOMER}:role/CostLink-ReadAccess")
    try:
        with LambdaRunner(spec, env=session_env(aws, role_arn, spec.logical_id)) as runner:
            invocation = runner.invoke(request)
            logs = runner.logs()
    finally:
        vendor.stop()
        response.stop()
    assert not invocation.function_error, invocation.payload
    assert external_id not in logs
    return {"vendor": vendor, "answers": response.answers, "role": role, "session": spec.logical_id}


def test_the_callback_sends_its_event_with_the_hmac_and_a_proof_sts_answers_with_its_own_role(callback_sent):
    vendor = callback_sent["vendor"]
    [sent] = vendor.received
    assert sent.signature_valid, "the ExternalId's HMAC: the tenant binding"
    assert sent.proof_valid, (sent.proof_problem, sent.sts_answer)
    assert sent.caller_arn == assumed_role_arn(callback_sent["role"], callback_sent["session"])
    event = sent.json()
    assert event["type"] == "connection.created" and event["stackId"] == STACK_ID
    assert event["accountId"] == CUSTOMER
    assert identity_proof.callback_role(event["stackId"]) == callback_sent["role"]
    assert [a["Status"] for a in callback_sent["answers"]] == ["SUCCESS"]


def test_a_proof_signed_by_java_verifies_at_sts_and_a_changed_body_hash_does_not(callback_sent, aws):
    sent = callback_sent["vendor"].received[0]
    headers = identity_proof.decode(sent.headers[identity_proof.HEADER])
    arn, _ = replay(headers, aws.endpoint)
    assert arn == assumed_role_arn(callback_sent["role"], callback_sent["session"])
    forged = copy.deepcopy(headers)
    forged[identity_proof.BODY_SHA256_HEADER] = "0" * 64
    arn, answer = replay(forged, aws.endpoint)
    assert arn is None
    assert "SignatureDoesNotMatch" in answer
    moved = copy.deepcopy(headers)
    moved[identity_proof.AUDIENCE_HEADER] = "registry.another-vendor.example"
    assert replay(moved, aws.endpoint)[0] is None


def test_the_detector_sends_a_proof_only_event_naming_its_stack_and_sts_answers_with_its_own_role(sam_built, aws):
    spec = FunctionSpec.from_template("DeliveryDetectorFunction")
    role = identity_proof.detector_role(STACK_ID)
    role_arn = own_role(aws, role, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/reports/cur2/*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"}]})
    s3 = aws.client("s3", CUSTOMER)
    s3.create_bucket(Bucket=BUCKET)
    delivery = Builder(s3, BUCKET).cur2(files=2, rows=3)
    vendor = Vendor(None, sts_endpoint=aws.endpoint)
    env = {**DETECTOR_ENV, "COSTLINK_CALLBACK_URL": vendor.url, "COSTLINK_STACK_ID": STACK_ID,
           **session_env(aws, role_arn, spec.logical_id)}
    assert "COSTLINK_EXTERNAL_ID" not in env
    try:
        with LambdaRunner(spec, env=env) as runner:
            invocation = runner.invoke(s3_notification(BUCKET, delivery.manifest_key))
    finally:
        vendor.stop()
    assert not invocation.function_error, invocation.payload
    [sent] = vendor.received
    assert "CostLink-Signature" not in sent.headers and "CostLink-Timestamp" not in sent.headers
    assert sent.proof_valid, (sent.proof_problem, sent.sts_answer)
    assert sent.caller_arn == assumed_role_arn(role, spec.logical_id)
    event = sent.json()
    assert event["type"] == "delivery.completed"
    assert event["stackId"] == STACK_ID and identity_proof.detector_role(event["stackId"]) == role
    assert "externalIdSha256" not in event
    assert event["accountId"] == CUSTOMER


def test_the_local_lambda_service_runs_the_senders_as_their_own_roles(sam_built, aws):
    """The local cloud's Lambda service gives the detector a session of its own execution role, named after the
    function, and the callback's role the emulator-only allowance for what moto authorises against "*"."""
    stack_id = f"arn:aws:cloudformation:us-east-1:{CUSTOMER}:stack/Local/{uuid.uuid4()}"
    detector_role = identity_proof.detector_role(stack_id)
    role_arn = own_role(aws, detector_role, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [
            f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/reports/cur2/*"]}]})
    callback_role_arn = own_role(aws, identity_proof.callback_role(stack_id))
    s3 = aws.client("s3", CUSTOMER)
    if BUCKET not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=BUCKET)
    delivery = Builder(s3, BUCKET).cur2(files=1, rows=2)
    vendor = Vendor(None, sts_endpoint=aws.endpoint)
    service = LambdaService(aws)
    try:
        spec = FunctionSpec.from_template("DeliveryDetectorFunction")
        spec = dataclasses.replace(spec, environment={**DETECTOR_ENV, "COSTLINK_CALLBACK_URL": vendor.url,
                                                      "COSTLINK_STACK_ID": stack_id})
        function = service.create_function(CUSTOMER, "Local-DeliveryDetector-abc", spec.logical_id, spec,
                                           sam_built / spec.logical_id, role_arn, None)
        service.create_function(CUSTOMER, "Local-ConnectionCallback-abc", "ConnectionCallbackFunction",
                                FunctionSpec.from_template("ConnectionCallbackFunction"),
                                sam_built / "ConnectionCallbackFunction", callback_role_arn, None)
        invocation = service.invoke(function, s3_notification(BUCKET, delivery.manifest_key))
    finally:
        service.stop()
        vendor.stop()
    assert not invocation.function_error, invocation.payload
    [sent] = vendor.received
    assert sent.caller_arn == assumed_role_arn(detector_role, "Local-DeliveryDetector-abc"), sent.sts_answer
    iam = aws.client("iam", CUSTOMER)
    allowance = iam.get_role_policy(RoleName=identity_proof.callback_role(stack_id), PolicyName=EMULATOR_ALLOWANCE)
    assert allowance["PolicyDocument"]["Statement"][0]["Action"] == ["cloudformation:DescribeStacks"]
    assert allowance["PolicyDocument"]["Statement"][0]["Resource"] == "*"
    assert EMULATOR_ALLOWANCE not in iam.list_role_policies(RoleName=detector_role)["PolicyNames"]


def test_the_built_detector_has_the_stack_and_no_external_id_in_its_environment(sam_built):
    class Tags(yaml.SafeLoader):
        pass

    Tags.add_multi_constructor("!", lambda loader, tag, node: {tag: loader.construct_object(node)
                                                               if not isinstance(node, yaml.ScalarNode)
                                                               else loader.construct_scalar(node)})
    built = yaml.load((sam_built / "template.yaml").read_text(), Loader=Tags)
    variables = built["Resources"]["DeliveryDetectorFunction"]["Properties"]["Environment"]["Variables"]
    assert "COSTLINK_EXTERNAL_ID" not in variables
    assert variables["COSTLINK_STACK_ID"] in ({"Ref": "AWS::StackId"}, {"!Ref": "AWS::StackId"})
    assert not any("ExternalId" in json.dumps(v) for v in variables.values())
    for logical, prefix in (("ConnectionCallbackRole", "costlink-callback-"),
                            ("DeliveryDetectorRole", "costlink-detector-")):
        assert prefix in json.dumps(built["Resources"][logical]["Properties"]["RoleName"])
