"""`./costlink invoke` with every file in events/, as README's table documents it: the command itself (a subprocess),
its environment resolved from the template as `sam local invoke` resolves it, the placeholders of the files (the
ResponseURL, the CallbackUrl) pointed at a local moto server and a stand-in vendor, as the README says to."""
import json
import subprocess
import uuid

import pytest

from conftest import ROOT
from costlink_tools.demo import create_tables
from costlink_tools.lambda_runner import FunctionSpec
from costlink_tools.stand_in_vendor import Vendor
from support.deliveries import Builder

EVENTS = ROOT / "events"
EXTERNAL_ID = "example-external-id-3f9c1e7a5b"  # the one the events/ files carry
BUCKET = "acme-costlink-cur"
# Every event file, the function it is for, and what `costlink invoke` answers with it (README, "Running functions
# locally"). env.json is not an event: it is --env-vars for the detector.
DOCUMENTED = {
    "connection-create.json": ("ConnectionCallbackFunction", "answers CloudFormation SUCCESS; connection.created"),
    "connection-update.json": ("ConnectionCallbackFunction", "answers CloudFormation SUCCESS; connection.updated"),
    "connection-delete.json": ("ConnectionCallbackFunction", "answers CloudFormation SUCCESS; connection.deleted"),
    "connection-create-organization.json": ("ConnectionCallbackFunction",
                                            "answers CloudFormation SUCCESS; connection.created with its organisation"),
    "delivery-cur2.json": ("DeliveryDetectorFunction", "delivery.completed, DELIVERED"),
    "delivery-cur1.json": ("DeliveryDetectorFunction", "delivery.completed, DELIVERED"),
    "delivery-carbon.json": ("DeliveryDetectorFunction", "delivery.completed, DELIVERED"),
    "delivery-eventbridge.json": ("DeliveryDetectorFunction", "delivery.completed, DELIVERED"),
    "delivery-focus.json": ("DeliveryDetectorFunction", "delivery.completed (FOCUS), DELIVERED"),
    "registry-connection-created.json": ("RegistryFunction", "401: its proof of origin was signed on 2026-11-22"),
    "verifier-schedule.json": ("VerifierScheduleFunction", '{"queued":0,"asOf":"2026-11-22T10:00:00Z"}'),
    "verifier-sqs-batch.json": ("VerifierWorkerFunction", '{"batchItemFailures":[]} (connections not active)'),
    "verifier-organization-batch.json": ("VerifierWorkerFunction",
                                         '{"batchItemFailures":[]} (the payer is not in the registry)'),
}


def test_every_event_file_has_a_documented_result():
    files = {p.name for p in EVENTS.glob("*.json")} - {"env.json"}
    assert files == set(DOCUMENTED)
    readme = (ROOT / "README.md").read_text()
    for name in files:
        assert f"`events/{name}`" in readme, f"{name} is not in README's table of events"


def invoke(function, event, tmp_path, env=None, template="template.yaml", overrides=(), with_logs=False):
    env_file = tmp_path / f"env-{uuid.uuid4().hex[:6]}.json"
    env_file.write_text(json.dumps({function: env or {}}))
    cmd = [str(ROOT / "costlink"), "invoke", function, "-e", str(event), "-t", str(ROOT / template),
           "--env-vars", str(env_file)]
    if overrides:
        cmd += ["--parameter-overrides", *overrides]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert EXTERNAL_ID not in result.stderr, "a secret reached the logs"
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return (payload, result.stderr) if with_logs else payload


@pytest.fixture
def vendor():
    v = Vendor(EXTERNAL_ID)
    yield v
    v.stop()


@pytest.mark.parametrize("name,kind", [("connection-create.json", "connection.created"),
                                       ("connection-update.json", "connection.updated"),
                                       ("connection-delete.json", "connection.deleted"),
                                       ("connection-create-organization.json", "connection.created")])
def test_connection_events(sam_built, moto, vendor, tmp_path, name, kind):
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="cfn-responses-invoke") if "cfn-responses-invoke" not in \
        {b["Name"] for b in s3.list_buckets()["Buckets"]} else None
    key = f"responses/{uuid.uuid4()}"
    event = json.loads((EVENTS / name).read_text())
    event["ResponseURL"] = s3.generate_presigned_url("put_object", Params={"Bucket": "cfn-responses-invoke",
                                                                           "Key": key}, ExpiresIn=3600)
    event["ResourceProperties"]["CallbackUrl"] = vendor.url
    path = tmp_path / name
    path.write_text(json.dumps(event))
    invoke("ConnectionCallbackFunction", path, tmp_path, {"AWS_ENDPOINT_URL": moto.endpoint})
    answer = json.loads(s3.get_object(Bucket="cfn-responses-invoke", Key=key)["Body"].read())
    assert answer["Status"] == "SUCCESS"
    assert [r.json()["type"] for r in vendor.received] == [kind]
    if "organization" in name:
        assert vendor.received[0].json()["connection"]["organization"]["targets"] == ["r-ab12", "ou-ab12-cdef3456"]


@pytest.mark.parametrize("name", ["delivery-cur2.json", "delivery-cur1.json", "delivery-carbon.json",
                                  "delivery-eventbridge.json", "delivery-focus.json"])
def test_delivery_events(sam_built, moto, tmp_path, name):
    s3 = moto.client("s3")
    if BUCKET not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=BUCKET)
    builder = Builder(s3, BUCKET)
    builder.cur2()
    builder.cur1()
    builder.carbon()
    builder.focus()
    vendor = Vendor(None)  # delivery events carry the proof of origin only
    try:
        env = {**json.loads((EVENTS / "env.json").read_text())["DeliveryDetectorFunction"],
               "COSTLINK_CALLBACK_URL": vendor.url, "AWS_ENDPOINT_URL": moto.endpoint}
        result = invoke("DeliveryDetectorFunction", EVENTS / name, tmp_path, env)
    finally:
        vendor.stop()
    [delivery] = result["deliveries"]
    assert (delivery["type"], delivery["vendor"]) == ("delivery.completed", "DELIVERED")
    assert [r.json()["type"] for r in vendor.received] == ["delivery.completed"]
    assert vendor.received[0].proof_valid, vendor.received[0].proof_problem


@pytest.fixture(scope="module")
def registry_env(moto):
    tables = create_tables(moto, suffix="-invoke")
    queue = moto.client("sqs").create_queue(QueueName="verification-invoke")["QueueUrl"]
    env = {"AWS_ENDPOINT_URL": moto.endpoint, "COSTLINK_QUEUE_URL": queue}
    env.update({f"COSTLINK_{t[:-len('Table')].upper()}_TABLE": n for t, n in tables.items()})
    return env


def test_the_registry_event(vendor_built, registry_env, tmp_path):
    reply = invoke("RegistryFunction", EVENTS / "registry-connection-created.json", tmp_path, registry_env,
                   template="vendor.yaml")
    # A genuine request, but its proof of origin was signed at 2026-11-22T09:00Z: expired before any network call.
    assert reply["statusCode"] == 401
    assert json.loads(reply["body"])["error"].startswith("the proof was signed more than 15 minutes ago")


def test_the_schedule_event(vendor_built, registry_env, tmp_path):
    assert invoke("VerifierScheduleFunction", EVENTS / "verifier-schedule.json", tmp_path, registry_env,
                  template="vendor.yaml") == {"queued": 0, "asOf": "2026-11-22T10:00:00Z"}


@pytest.mark.parametrize("name", ["verifier-sqs-batch.json", "verifier-organization-batch.json"])
def test_the_sqs_batch_events(vendor_built, registry_env, tmp_path, name):
    assert invoke("VerifierWorkerFunction", EVENTS / name, tmp_path, registry_env,
                  template="vendor.yaml") == {"batchItemFailures": []}


def test_parameters_reach_the_function_as_sam_local_invoke_resolves_them(vendor_built, registry_env, tmp_path):
    """The worker's thresholds are Refs to parameters: with CurWarnHours above the default CurAlertHours (48) the
    worker refuses its configuration, which it can only see if both reached it: every message of the batch fails."""
    reply, logs = invoke("VerifierWorkerFunction", EVENTS / "verifier-sqs-batch.json", tmp_path, registry_env,
                         template="vendor.yaml", overrides=["CurWarnHours=50"], with_logs=True)
    assert len(reply["batchItemFailures"]) == 2
    assert "the warning threshold must not exceed the alert threshold" in logs


def test_the_environment_is_resolved_with_defaults_and_overrides():
    worker = FunctionSpec.resolved("VerifierWorkerFunction", ROOT / "vendor.yaml", {"CurAlertHours": "30"})
    assert worker.environment["COSTLINK_CUR_ALERT_HOURS"] == "30"
    assert worker.environment["COSTLINK_CUR_WARN_HOURS"] == "36"  # the default
    assert worker.environment["COSTLINK_TENANTS_TABLE"] == "TenantsTable"  # a resource: its logical id, as sam
    detector = FunctionSpec.resolved("DeliveryDetectorFunction", ROOT / "template.yaml", {
        "VendorAccountId": "999988887777", "ExternalId": EXTERNAL_ID, "CallbackUrl": "https://vendor.example.com/",
        "BucketName": "acme-costlink-cur", "DeploymentScenario": "ExistingBucketExistingExport",
        "DataExportName": "Acme-CUR", "ExistingExportPrefix": "billing"})
    assert detector.environment["COSTLINK_REPORT_PREFIXES"] == "billing"  # Fn::If on the scenario's Conditions
    assert detector.environment["COSTLINK_BUCKET"] == "acme-costlink-cur"
    assert detector.environment["COSTLINK_CALLBACK_URL"] == "https://vendor.example.com/"
    assert "COSTLINK_EXTERNAL_ID" not in detector.environment and EXTERNAL_ID not in detector.environment.values()
