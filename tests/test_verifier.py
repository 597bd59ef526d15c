"""The scheduled verifier under the Lambda emulator, against moto with IAM authorisation on: the worker really assumes
the customer role with the tenant's ExternalId (moto refuses a wrong one), reads the billing bucket with the session,
stores each connection's health and publishes to a real SNS topic, read back through an SQS subscription.
What moto enforces and does not: docs/emulator-notes.md."""
import hashlib
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from conftest import ROOT
from costlink_tools.demo import TABLE_ENV, create_tables
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner
from costlink_tools.bcm_exports_emulator import BcmExportsEmulator, CurReportsEmulator
from costlink_tools.moto_server import MotoServer

VENDOR_BUILD = ROOT / ".aws-sam" / "vendor"
BUCKET = "acme-billing"
ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@pytest.fixture(scope="module")
def vendor_built():
    import subprocess
    result = subprocess.run(["sam", "build", "--config-env", "vendor"], cwd=ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]


class World:
    """A vendor user with keys (the verifier's identity), the registry tables, the health topic and a queue that
    receives what the topic publishes, all on a moto server whose IAM authorisation is on."""

    def __init__(self):
        self.moto = MotoServer(unauthenticated_calls=3).start()
        iam = self.moto.client("iam")
        iam.create_user(UserName="verifier")
        iam.put_user_policy(UserName="verifier", PolicyName="all", PolicyDocument=ADMIN)
        key = iam.create_access_key(UserName="verifier")["AccessKey"]
        self.key, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        self.user_arn = self.client("sts").get_caller_identity()["Arn"]
        self.account = self.user_arn.split(":")[4]
        self.tables = create_tables(Signed(self))
        sns, sqs = self.client("sns"), self.client("sqs")
        self.topic = sns.create_topic(Name="health")["TopicArn"]
        self.alerts = sqs.create_queue(QueueName="alerts")["QueueUrl"]
        alerts_arn = sqs.get_queue_attributes(QueueUrl=self.alerts, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=alerts_arn)
        self.s3 = self.client("s3")
        self.s3.create_bucket(Bucket=BUCKET)
        self.exports = BcmExportsEmulator().start()
        self.reports = CurReportsEmulator().start()

    def client(self, service):
        return self.moto.client(service, key=self.key, secret=self.secret)

    def env(self):
        return {**{TABLE_ENV[k]: v for k, v in self.tables.items()}, "COSTLINK_TOPIC_ARN": self.topic,
                "AWS_ENDPOINT_URL": self.moto.endpoint, "AWS_ACCESS_KEY_ID": self.key,
                "AWS_SECRET_ACCESS_KEY": self.secret, "AWS_SESSION_TOKEN": None,
                "AWS_ENDPOINT_URL_BCM_DATA_EXPORTS": self.exports.endpoint,
                "AWS_ENDPOINT_URL_COST_AND_USAGE_REPORT_SERVICE": self.reports.endpoint,
                "COSTLINK_DELIVERIES_TABLE": self.tables["DeliveriesTable"]}

    def connect(self, role_external_id, tenant_external_id=None, registered_hours_ago=24 * 30, carbon=False,
                status="ACTIVE", bucket_read=True, export=None, export_by_name=False, cur1_report=None):
        """A customer role (trusting the verifier with an ExternalId, allowed to list the billing bucket as the
        connection stack's bucket-read policy allows), its tenant and its registry record."""
        name = "CostLink-" + uuid.uuid4().hex[:8]
        self.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": self.user_arn},
                                                    "Action": "sts:AssumeRole", "Condition": {"StringEquals": {
                                                        "sts:ExternalId": role_external_id}}}]}))
        if bucket_read:
            self.client("iam").put_role_policy(RoleName=name, PolicyName="S3CURAccess", PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"},
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/reports/*"}]}))
        tenant_id = tenant_external_id or role_external_id
        tenant = hashlib.sha256(tenant_id.encode()).hexdigest()
        ddb = self.client("dynamodb")
        ddb.put_item(TableName=self.tables["TenantsTable"], Item={
            "externalIdSha256": {"S": tenant}, "externalId": {"S": tenant_id}, "name": {"S": "Acme " + name[-4:]}})
        role_arn = f"arn:aws:iam::{self.account}:role/{name}"
        prefix = f"reports/cur2/{name}"
        prefixes = {"cur": {"S": prefix}}
        if carbon:
            prefixes["carbon"] = {"S": f"reports/carbon-footprint/{name}"}
        key = f"{self.account}#{role_arn}"
        facts = {"bucket": {"S": BUCKET}, "prefixes": {"M": prefixes}}
        if export:
            status_code, reason, last_run, last_reason = export
            arn = self.exports.add_export(name + "-CUR", self.account, status=status_code, reason=reason)
            if last_run:
                self.exports.add_execution(arn, last_run, last_reason)
            facts.update(curVersion={"S": "CUR2"}, exportName={"S": name + "-CUR"})
            if not export_by_name:
                facts["exportArn"] = {"S": arn}
        if cur1_report:
            self.reports.add_report(name + "-CUR1", BUCKET, last_status=cur1_report)
            facts.update(curVersion={"S": "CUR1"}, exportName={"S": name + "-CUR1"})
        ddb.put_item(TableName=self.tables["ConnectionsTable"], Item={
            "tenant": {"S": tenant}, "connection": {"S": key}, "status": {"S": status},
            "accountId": {"S": self.account}, "roleArn": {"S": role_arn},
            "registeredAt": {"N": str(int(time.time()) - registered_hours_ago * 3600)},
            "facts": {"M": facts}})
        return {"tenant": tenant, "connection": key, "prefix": prefix, "role": name}

    def deliver(self, c, carbon_month=None):
        self.s3.put_object(Bucket=BUCKET, Key=f"{c['prefix']}/metadata/BILLING_PERIOD=2026-06/x-Manifest.json", Body=b"{}")
        if carbon_month:
            self.s3.put_object(Bucket=BUCKET, Key=f"reports/carbon-footprint/{c['role']}/metadata/"
                               f"usage_period={carbon_month}/c-Manifest.json", Body=b"{}")

    def alerts_received(self):
        sqs = self.client("sqs")
        out = []
        while True:
            msgs = sqs.receive_message(QueueUrl=self.alerts, MaxNumberOfMessages=10).get("Messages", [])
            if not msgs:
                return out
            for m in msgs:
                envelope = json.loads(m["Body"])
                out.append({"subject": envelope.get("Subject"), "message": json.loads(envelope["Message"]),
                            "attributes": {k: v["Value"] for k, v in envelope.get("MessageAttributes", {}).items()}})
                sqs.delete_message(QueueUrl=self.alerts, ReceiptHandle=m["ReceiptHandle"])

    def health(self, c):
        item = self.client("dynamodb").get_item(TableName=self.tables["ConnectionsTable"], Key={
            "tenant": {"S": c["tenant"]}, "connection": {"S": c["connection"]}})["Item"]
        return item["healthStatus"]["S"], {k["M"]["name"]["S"]: k["M"]["result"]["S"] for k in item["healthChecks"]["L"]}


class Signed:
    """Hands create_tables a client factory signed as the verifier user."""

    def __init__(self, world):
        self.world = world

    def client(self, service):
        return self.world.client(service)


@pytest.fixture(scope="module")
def world():
    w = World()
    yield w
    w.exports.stop()
    w.reports.stop()
    w.moto.stop()


@pytest.fixture(scope="module")
def worker(vendor_built, world):
    spec = FunctionSpec.from_template("VerifierWorkerFunction", ROOT / "vendor.yaml")
    runner = LambdaRunner(spec, code_dir=VENDOR_BUILD / "VerifierWorkerFunction", env=world.env()).start()
    yield runner
    runner.stop()


def verify(worker, connections, as_of=None):
    as_of = (as_of or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    event = {"Records": [{"messageId": f"m{i}", "receiptHandle": "r", "eventSource": "aws:sqs",
                          "body": json.dumps({"tenant": c["tenant"], "connection": c["connection"], "asOf": as_of})
                          if isinstance(c, dict) else c} for i, c in enumerate(connections)]}
    invocation = worker.invoke(event)
    assert not invocation.function_error, invocation.payload
    return invocation.json()


def later(hours):
    return datetime.now(timezone.utc) + timedelta(hours=hours)


def test_healthy_connection_publishes_its_first_status_once(world, worker):
    c = world.connect("ext-good-1", export=("HEALTHY", None, "DELIVERY_SUCCESS", None))
    world.deliver(c)
    # What the registry endpoint recorded of the detector's last event for this account.
    world.client("dynamodb").put_item(TableName=world.tables["DeliveriesTable"], Item={
        "tenantAccount": {"S": c["tenant"] + "#" + world.account}, "export": {"S": "CUR2#x"},
        "lastDelivery": {"M": {"type": {"S": "delivery.completed"}, "kind": {"S": "CUR2"}, "exportName": {"S": "x"},
                               "billingPeriod": {"S": "2026-11"}, "fileCount": {"N": "3"}, "totalRows": {"N": "812"},
                               "receivedAt": {"N": "1795330000"}}}})
    assert verify(worker, [c]) == {"batchItemFailures": []}
    assert world.health(c) == ("HEALTHY", {"assume-role": "PASS", "cur-freshness": "PASS", "cur-export": "PASS"})
    [alert] = world.alerts_received()
    assert alert["attributes"] == {"status": "HEALTHY", "accountId": world.account, "failedChecks": "none"}
    assert alert["subject"].startswith("CostLink HEALTHY: Acme ")
    assert "previousStatus" not in alert["message"] and len(alert["message"]["checks"]) == 3
    assert ", last refreshed 20" in alert["message"]["checks"][2]["detail"]
    assert alert["message"]["lastDelivery"] == {"type": "delivery.completed", "kind": "CUR2", "exportName": "x",
                                                "billingPeriod": "2026-11", "fileCount": 3, "totalRows": 812,
                                                "receivedAt": "2026-11-22T06:46:40Z"}
    verify(worker, [c])
    assert world.alerts_received() == [], "status unchanged: no new event"


def test_wrong_external_id_is_refused_and_alerts(world, worker):
    c = world.connect("ext-in-the-role", tenant_external_id="ext-the-vendor-has")
    verify(worker, [c])
    status, checks = world.health(c)
    assert (status, checks) == ("UNHEALTHY", {"assume-role": "FAIL"})
    [alert] = world.alerts_received()
    assert alert["attributes"]["failedChecks"] == "assume-role"
    detail = alert["message"]["checks"][0]["detail"]
    assert "ExternalId" in detail and "update the connection stack" in detail


def test_a_role_that_cannot_read_the_bucket(world, worker):
    c = world.connect("ext-nobucket", bucket_read=False)
    world.deliver(c)
    verify(worker, [c])
    assert world.health(c) == ("UNHEALTHY", {"assume-role": "PASS", "bucket-access": "FAIL"})
    [alert] = world.alerts_received()
    assert "bucket-read policy" in alert["message"]["checks"][1]["detail"]


def test_export_unhealthy_with_insufficient_permission(world, worker):
    c = world.connect("ext-export", export=("UNHEALTHY", "INSUFFICIENT_PERMISSION", "DELIVERY_FAILURE",
                                            "INSUFFICIENT_PERMISSION"), export_by_name=True)
    world.deliver(c)
    verify(worker, [c])
    assert world.health(c) == ("UNHEALTHY", {"assume-role": "PASS", "cur-freshness": "PASS", "cur-export": "FAIL"})
    [alert] = world.alerts_received()
    assert alert["attributes"]["failedChecks"] == "cur-export"
    detail = alert["message"]["checks"][2]["detail"]
    assert "UNHEALTHY (INSUFFICIENT_PERMISSION)" in detail and "bucket policy" in detail, detail


@pytest.mark.parametrize("last_status,expected", [("SUCCESS", "PASS"), ("ERROR_PERMISSIONS", "FAIL")])
def test_cur1_report_status(world, worker, last_status, expected):
    c = world.connect("ext-cur1-" + last_status, cur1_report=last_status)
    world.deliver(c)
    verify(worker, [c])
    status, checks = world.health(c)
    assert checks == {"assume-role": "PASS", "cur-freshness": "PASS", "cur-report": expected}
    [alert] = world.alerts_received()
    if expected == "FAIL":
        assert "billingreports.amazonaws.com" in alert["message"]["checks"][2]["detail"]


def test_a_deleted_role(world, worker):
    c = world.connect("ext-deleted")
    world.deliver(c)
    iam = world.client("iam")
    iam.delete_role_policy(RoleName=c["role"], PolicyName="S3CURAccess")
    iam.delete_role(RoleName=c["role"])
    verify(worker, [c])
    status, checks = world.health(c)
    # Real STS refuses AssumeRole on a deleted role (assume-role FAIL). moto 5.2.5 still issues a session
    # (docs/emulator-notes.md), whose reads are then refused: the connection is UNHEALTHY either way.
    assert status == "UNHEALTHY" and "FAIL" in checks.values(), checks
    world.alerts_received()


def test_the_events_file_is_a_batch_the_worker_takes(world, worker):
    # Its connections are not in this registry: each is skipped as no longer active, none is a batch failure.
    result = worker.invoke(json.loads((ROOT / "events" / "verifier-sqs-batch.json").read_text())).json()
    assert result == {"batchItemFailures": []}


def test_no_delivery_yet_within_the_grace_period(world, worker):
    c = world.connect("ext-new", registered_hours_ago=2)
    verify(worker, [c])
    assert world.health(c) == ("HEALTHY", {"assume-role": "PASS", "cur-freshness": "PASS"})
    world.alerts_received()


def test_stale_cur_warns_then_alerts(world, worker):
    c = world.connect("ext-stale")
    world.deliver(c)
    verify(worker, [c], as_of=later(40))
    assert world.health(c) == ("DEGRADED", {"assume-role": "PASS", "cur-freshness": "WARN"})
    verify(worker, [c], as_of=later(50))
    assert world.health(c) == ("UNHEALTHY", {"assume-role": "PASS", "cur-freshness": "FAIL"})
    alerts = world.alerts_received()
    assert [a["attributes"]["status"] for a in alerts] == ["DEGRADED", "UNHEALTHY"]
    assert alerts[1]["message"]["previousStatus"] == "DEGRADED"
    assert "cur-freshness" in alerts[1]["subject"]


def test_unhealthy_repeats_only_after_the_realert_interval_and_recovery_publishes_once(world, worker):
    c = world.connect("ext-recover")
    world.deliver(c)
    verify(worker, [c], as_of=later(50))
    verify(worker, [c], as_of=later(52))
    assert [a["attributes"]["status"] for a in world.alerts_received()] == ["UNHEALTHY"], "no storm"
    verify(worker, [c], as_of=later(50 + 25))
    assert [a["attributes"]["status"] for a in world.alerts_received()] == ["UNHEALTHY"], "daily reminder"
    verify(worker, [c])  # as of now: the delivery is fresh again
    [recovered] = world.alerts_received()
    assert recovered["attributes"]["status"] == "HEALTHY" and recovered["message"]["previousStatus"] == "UNHEALTHY"


def test_carbon_month_missing(world, worker):
    now = datetime.now(timezone.utc)
    stale_month = (now.replace(day=1) - timedelta(days=75)).strftime("%Y-%m")
    c = world.connect("ext-carbon", carbon=True)
    world.deliver(c, carbon_month=stale_month)
    verify(worker, [c])
    assert world.health(c) == ("DEGRADED", {"assume-role": "PASS", "cur-freshness": "PASS", "carbon-month": "WARN"})
    world.alerts_received()


def test_one_bad_message_never_stops_the_others(world, worker):
    good = world.connect("ext-batch")
    world.deliver(good)
    result = verify(worker, [good, "{not json", {"tenant": "f" * 64, "connection": "gone"}])
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert world.health(good)[0] == "HEALTHY"
    world.alerts_received()


def test_the_scheduler_queues_every_active_connection(vendor_built, world):
    sqs = world.client("sqs")
    queue = sqs.create_queue(QueueName="verification-" + uuid.uuid4().hex[:6])["QueueUrl"]
    revoked = world.connect("ext-revoked", status="REVOKED")
    spec = FunctionSpec.from_template("VerifierScheduleFunction", ROOT / "vendor.yaml")
    with LambdaRunner(spec, code_dir=VENDOR_BUILD / "VerifierScheduleFunction",
                      env={**world.env(), "COSTLINK_QUEUE_URL": queue}) as runner:
        result = runner.invoke(json.loads((ROOT / "events" / "verifier-schedule.json").read_text())).json()
    active = world.client("dynamodb").scan(TableName=world.tables["ConnectionsTable"])["Items"]
    expected = sum(1 for i in active if i["status"]["S"] == "ACTIVE")
    assert result == {"queued": expected, "asOf": "2026-11-22T10:00:00Z"}
    bodies = []
    while True:
        msgs = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if not msgs:
            break
        bodies += [json.loads(m["Body"]) for m in msgs]
        for m in msgs:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    assert len(bodies) == expected
    assert revoked["connection"] not in {b["connection"] for b in bodies}
    assert {b["asOf"] for b in bodies} == {"2026-11-22T10:00:00Z"}
