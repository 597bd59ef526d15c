"""The scheduled verifier under the Lambda emulator, against moto with IAM authorisation on: the worker really assumes
the customer role with the tenant's ExternalId (moto refuses a wrong one), reads the billing bucket with the session,
stores each connection's health and publishes to a real SNS topic, read back through an SQS subscription.
What moto enforces and does not: docs/emulator-notes.md."""
import hashlib
import json
import os
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import ROOT
from costlink_tools import tenant
from costlink_tools.demo import TABLE_ENV, create_tables
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner
from costlink_tools.bcm_exports_emulator import BcmExportsEmulator, CurReportsEmulator
from costlink_tools.metric_catalog import MetricCatalog
from costlink_tools.moto_server import MotoServer
from support.emf import emf_lines, emitted_metrics

VENDOR_BUILD = ROOT / ".aws-sam" / "vendor"
BUCKET = "acme-billing"
CATALOG = MetricCatalog.load()
ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


class World:
    """A vendor user with keys (the verifier's identity), the registry tables, the health topic and a queue that
    receives what the topic publishes, all on a moto server whose IAM authorisation is on (and whose request recorder
    can show which S3 listings the worker made)."""

    def __init__(self):
        self.recording = Path(tempfile.mkdtemp(prefix="moto-recording-")) / "requests.jsonl"
        os.environ["MOTO_RECORDER_FILEPATH"] = str(self.recording)
        try:
            self.moto = MotoServer(unauthenticated_calls=3).start()
        finally:
            os.environ.pop("MOTO_RECORDER_FILEPATH", None)
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
                status="ACTIVE", bucket_read=True, export=("HEALTHY", None, None, None), export_by_name=False,
                cur1_report=None, tenant_name=None, reported_id=None, focus=False, failures_queue=None,
                export_created=None):
        """A customer role (trusting the verifier with an ExternalId, allowed to list the billing bucket as the
        connection stack's bucket-read policy allows), its tenant and its registry record, whose facts are what the
        connection stack reports: the bucket, the CUR version and prefix, the export (also added to the BCM Data
        Exports emulator: `export` is its status, reason, latest run and run reason; `export_created` when AWS
        created it) or CUR 1.0 report, with `carbon` the carbon prefix and export, with `focus` the FOCUS prefix and
        export. `failures_queue`: "granted" creates the stack's DeliveryFailures queue and gives the role
        sqs:GetQueueAttributes on it (as template.yaml does), "not-granted" the queue alone, any other text is the URL
        the facts report as is."""
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
            "externalIdSha256": {"S": tenant}, "externalId": {"S": tenant_id},
            "name": {"S": tenant_name if tenant_name is not None else "Acme " + name[-4:]}})
        role_arn = f"arn:aws:iam::{self.account}:role/{name}"
        c = {"tenant": tenant, "connection": f"{self.account}#{role_arn}", "role": name, "role_arn": role_arn}
        prefixes = {}
        facts = {"bucket": {"S": BUCKET}, "prefixes": {"M": prefixes}}
        if cur1_report:
            self.reports.add_report(name + "-CUR1", BUCKET, last_status=cur1_report)
            prefixes["cur"] = {"S": "reports/cur1"}
            facts.update(curVersion={"S": "CUR1"}, exportName={"S": name + "-CUR1"})
            c.update(kind="CUR1", export=name + "-CUR1")
        else:
            status_code, reason, last_run, last_reason = export
            arn = self.exports.add_export(name + "-CUR", self.account, status=status_code, reason=reason,
                                          created=export_created)
            if last_run:
                self.exports.add_execution(arn, last_run, last_reason)
            prefixes["cur"] = {"S": "reports/cur2"}
            facts.update(curVersion={"S": "CUR2"}, exportName={"S": name + "-CUR"})
            if not export_by_name:
                facts["exportArn"] = {"S": arn}
            c.update(kind="CUR2", export=name + "-CUR", export_arn=arn)
        if carbon:
            self.exports.add_export(name + "-Carbon", self.account, table="CARBON_EMISSIONS")
            prefixes["carbon"] = {"S": "reports/carbon-footprint"}
            facts["carbonExportName"] = {"S": name + "-Carbon"}
            c["carbon_export"] = name + "-Carbon"
        if focus:
            focus_arn = self.exports.add_export(name + "-FOCUS", self.account, table="FOCUS_1_0_AWS",
                                                prefix="reports/focus")
            prefixes["focus"] = {"S": "reports/focus"}
            facts.update(focusExportName={"S": name + "-FOCUS"}, focusExportArn={"S": focus_arn})
            c.update(focus_export=name + "-FOCUS", focus_arn=focus_arn)
        if failures_queue in ("granted", "not-granted"):
            sqs = self.client("sqs")
            c["queue_url"] = sqs.create_queue(QueueName=name + "-DeliveryFailures")["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=c["queue_url"], AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"]
            if failures_queue == "granted":
                self.client("iam").put_role_policy(RoleName=name, PolicyName="DeliveryFailuresDepth",
                                                   PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                                                       {"Effect": "Allow", "Action": "sqs:GetQueueAttributes",
                                                        "Resource": queue_arn}]}))
            # What CloudFormation's !Ref of the queue reports; moto answers for it at its own endpoint.
            facts["deliveryFailuresQueueUrl"] = {
                "S": f"https://sqs.us-east-1.amazonaws.com/{self.account}/{name}-DeliveryFailures"}
        elif failures_queue:
            facts["deliveryFailuresQueueUrl"] = {"S": failures_queue}
        if reported_id:
            facts["connectionId"] = {"S": reported_id}
        ddb.put_item(TableName=self.tables["ConnectionsTable"], Item={
            "tenant": {"S": tenant}, "connection": {"S": c["connection"]}, "status": {"S": status},
            "accountId": {"S": self.account}, "roleArn": {"S": role_arn}, "region": {"S": "us-east-1"},
            "registeredAt": {"N": str(int(time.time()) - registered_hours_ago * 3600)},
            "facts": {"M": facts}})
        return c

    def deliver(self, c, carbon_month=None, focus=False, period=None):
        """A delivery's manifest where AWS writes it (shared/reference/delivery-formats.md), and a data file: of the
        current billing period unless `period` (YYYY-MM) says otherwise; with `focus` the FOCUS export's too, under
        the lower-case `billing_period=` partition."""
        export = c["export"]
        period = period or datetime.now(timezone.utc).strftime("%Y-%m")
        if c["kind"] == "CUR1":
            start = datetime.now(timezone.utc).strftime("%Y%m01")
            keys = [f"reports/cur1/{export}/{start}-{start[:6]}28/{export}-Manifest.json",
                    f"reports/cur1/{export}/{export}/year={period[:4]}/month={int(period[5:])}/{export}-00001.snappy.parquet"]
        else:
            keys = [f"reports/cur2/{export}/metadata/BILLING_PERIOD={period}/{export}-Manifest.json",
                    f"reports/cur2/{export}/data/BILLING_PERIOD={period}/{export}-00001.snappy.parquet"]
        if focus:
            f = c["focus_export"]
            keys.append(f"reports/focus/{f}/metadata/billing_period={period}/{f}-Manifest.json")
            keys.append(f"reports/focus/{f}/data/billing_period={period}/{f}-00001.snappy.parquet")
        if carbon_month:
            carbon = c["carbon_export"]
            keys.append(f"reports/carbon-footprint/{carbon}/metadata/usage_period={carbon_month}/{carbon}-Manifest.json")
            keys.append(f"reports/carbon-footprint/{carbon}/data/usage_period={carbon_month}/{carbon}-00001.snappy.parquet")
        for key in keys:
            self.s3.put_object(Bucket=BUCKET, Key=key, Body=b"{}")

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

    def item(self, c):
        return self.client("dynamodb").get_item(TableName=self.tables["ConnectionsTable"], Key={
            "tenant": {"S": c["tenant"]}, "connection": {"S": c["connection"]}})["Item"]

    def health(self, c):
        item = self.item(c)
        return item["healthStatus"]["S"], {k["M"]["name"]["S"]: k["M"]["result"]["S"] for k in item["healthChecks"]["L"]}

    def states(self, c):
        """Each check's state as the registry holds it (absent for a check without one)."""
        return {k["M"]["name"]["S"]: k["M"].get("state", {}).get("S") for k in self.item(c)["healthChecks"]["L"]}

    def record_delivery(self, c, kind, name, valid, received_at, problems=(), last_valid_at=None):
        """What the registry endpoint writes for a delivery event (RegistrySchema.Deliveries): the export's last
        delivery and, for a valid one, its last valid delivery and time."""
        last = {"type": {"S": "delivery.completed" if valid else "delivery.invalid"}, "kind": {"S": kind},
                ("reportName" if kind == "CUR1" else "exportName"): {"S": name},
                "billingPeriod": {"S": datetime.now(timezone.utc).strftime("%Y-%m")},
                "manifestKey": {"S": f"reports/{name}/Manifest.json"}, "fileCount": {"N": "2"},
                "receivedAt": {"N": str(int(received_at.timestamp()))}}
        if problems:
            last["problems"] = {"L": [{"M": {"file": {"S": f}, "problem": {"S": p}}} for f, p in problems]}
            last["problemCount"] = {"N": str(len(problems))}
        key = {"tenantAccount": {"S": c["tenant"] + "#" + self.account}, "export": {"S": f"{kind}#{name}"}}
        names, values = {"#l": "lastDelivery"}, {":l": {"M": last}}
        update = "SET #l = :l"
        if valid or last_valid_at:
            at = received_at if valid else last_valid_at
            names.update({"#v": "lastValidAt"})
            values[":v"] = {"N": str(int(at.timestamp()))}
            update += ", #v = :v"
        self.client("dynamodb").update_item(TableName=self.tables["DeliveriesTable"], Key=key, UpdateExpression=update,
                                            ExpressionAttributeNames=names, ExpressionAttributeValues=values)

    def recorded(self, action):
        """Runs `action` with moto's request recorder on and returns the requests it made of moto."""
        api = self.moto.endpoint + "/moto-api/recorder/"
        for step in ("reset-recording", "start-recording"):
            urllib.request.urlopen(urllib.request.Request(api + step, method="POST")).read()
        try:
            action()
        finally:
            urllib.request.urlopen(urllib.request.Request(api + "stop-recording", method="POST")).read()
        text = urllib.request.urlopen(api + "download-recording").read().decode()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


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


def check_detail(alert, name):
    return next(k["detail"] for k in alert["message"]["checks"] if k["name"] == name)


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
    assert world.health(c) == ("HEALTHY", {"assume-role": "PASS", "cur-freshness": "PASS", "delivery-valid": "PASS",
                                           "cur-export": "PASS"})
    [alert] = world.alerts_received()
    assert alert["attributes"] == {"status": "HEALTHY", "accountId": world.account, "failedChecks": "none"}
    assert alert["subject"].startswith("CostLink HEALTHY: Acme ")
    assert "previousStatus" not in alert["message"] and len(alert["message"]["checks"]) == 4
    assert ", last refreshed 20" in check_detail(alert, "cur-export")
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
    # The export's own status needs no bucket access, so it is still checked.
    assert world.health(c) == ("UNHEALTHY", {"assume-role": "PASS", "bucket-access": "FAIL", "delivery-valid": "PASS",
                                             "cur-export": "PASS"})
    [alert] = world.alerts_received()
    assert "bucket-read policy" in check_detail(alert, "bucket-access")


def test_export_unhealthy_with_insufficient_permission(world, worker):
    c = world.connect("ext-export", export=("UNHEALTHY", "INSUFFICIENT_PERMISSION", "DELIVERY_FAILURE",
                                            "INSUFFICIENT_PERMISSION"), export_by_name=True)
    world.deliver(c)
    verify(worker, [c])
    assert world.health(c) == ("UNHEALTHY", {"assume-role": "PASS", "cur-freshness": "PASS", "delivery-valid": "PASS",
                                             "cur-export": "FAIL"})
    [alert] = world.alerts_received()
    assert alert["attributes"]["failedChecks"] == "cur-export"
    detail = check_detail(alert, "cur-export")
    assert "UNHEALTHY (INSUFFICIENT_PERMISSION)" in detail and "bucket policy" in detail, detail


@pytest.mark.parametrize("last_status,expected,fix", [
    ("SUCCESS", "PASS", "last delivered with status SUCCESS"),
    ("ERROR_PERMISSIONS", "FAIL", "billingreports.amazonaws.com"),
    ("ERROR_NO_BUCKET", "FAIL", "its bucket no longer exists")])
def test_cur1_report_status(world, worker, last_status, expected, fix):
    c = world.connect("ext-cur1-" + last_status, cur1_report=last_status)
    world.deliver(c)
    verify(worker, [c])
    status, checks = world.health(c)
    assert checks == {"assume-role": "PASS", "cur-freshness": "PASS", "delivery-valid": "PASS", "cur-report": expected}
    assert world.states(c)["cur-report"] == ("OK" if expected == "PASS" else "FAILED")
    [alert] = world.alerts_received()
    assert fix in check_detail(alert, "cur-report")


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
    assert world.health(c) == ("HEALTHY", {"assume-role": "PASS", "cur-freshness": "PASS", "delivery-valid": "PASS",
                                           "cur-export": "PASS"})
    world.alerts_received()


def test_stale_cur_warns_then_alerts(world, worker):
    c = world.connect("ext-stale")
    world.deliver(c)
    verify(worker, [c], as_of=later(40))
    assert world.health(c) == ("DEGRADED", {"assume-role": "PASS", "cur-freshness": "WARN", "delivery-valid": "PASS",
                                            "cur-export": "PASS"})
    assert world.states(c)["cur-freshness"] == "LATE"
    verify(worker, [c], as_of=later(50))
    assert world.health(c) == ("UNHEALTHY", {"assume-role": "PASS", "cur-freshness": "FAIL", "delivery-valid": "PASS",
                                             "cur-export": "PASS"})
    assert world.states(c)["cur-freshness"] == "MISSING"
    alerts = world.alerts_received()
    assert [a["attributes"]["status"] for a in alerts] == ["DEGRADED", "UNHEALTHY"]
    assert alerts[1]["message"]["previousStatus"] == "DEGRADED"
    assert "cur-freshness" in alerts[1]["subject"]


def test_unhealthy_repeats_only_after_the_realert_interval_and_recovery_publishes_once(world, worker):
    # Time only moves forward (a message older than the last recorded check is skipped): the connection turns
    # UNHEALTHY through its export, and recovers when the export does.
    c = world.connect("ext-recover", export=("UNHEALTHY", "INSUFFICIENT_PERMISSION", None, None))
    world.deliver(c)
    verify(worker, [c])
    verify(worker, [c], as_of=later(2))
    assert [a["attributes"]["status"] for a in world.alerts_received()] == ["UNHEALTHY"], "no storm"
    verify(worker, [c], as_of=later(25))
    assert [a["attributes"]["status"] for a in world.alerts_received()] == ["UNHEALTHY"], "daily reminder"
    world.exports.exports[c["export_arn"]].status = "HEALTHY"
    world.exports.exports[c["export_arn"]].reason = None
    verify(worker, [c], as_of=later(26))
    [recovered] = world.alerts_received()
    assert recovered["attributes"]["status"] == "HEALTHY" and recovered["message"]["previousStatus"] == "UNHEALTHY"
    verify(worker, [c], as_of=later(27))
    assert world.alerts_received() == [], "recovered once"


def test_a_late_message_never_takes_the_status_back(world, worker):
    c = world.connect("ext-late")
    world.deliver(c)
    verify(worker, [c], as_of=later(50))
    assert world.health(c)[0] == "UNHEALTHY"
    checked = world.item(c)["healthCheckedAt"]
    verify(worker, [c])  # a message of an earlier run, redelivered after the later one was handled
    assert world.health(c)[0] == "UNHEALTHY" and world.item(c)["healthCheckedAt"] == checked
    assert [a["attributes"]["status"] for a in world.alerts_received()] == ["UNHEALTHY"]


def test_carbon_month_missing(world, worker):
    now = datetime.now(timezone.utc)
    stale_month = (now.replace(day=1) - timedelta(days=75)).strftime("%Y-%m")
    c = world.connect("ext-carbon", carbon=True)
    world.deliver(c, carbon_month=stale_month)
    verify(worker, [c])
    assert world.health(c) == ("DEGRADED", {"assume-role": "PASS", "cur-freshness": "PASS", "carbon-month": "WARN",
                                            "delivery-valid": "PASS", "cur-export": "PASS", "carbon-export": "PASS"})
    world.alerts_received()


def test_one_bad_message_never_stops_the_others(world, worker):
    good = world.connect("ext-batch")
    world.deliver(good)
    result = verify(worker, [good, "{not json", {"tenant": "f" * 64, "connection": "gone"}])
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert world.health(good)[0] == "HEALTHY"
    world.alerts_received()


def test_the_scheduler_queues_every_active_connection_and_every_pending_one_not_held(vendor_built, world):
    sqs = world.client("sqs")
    queue = sqs.create_queue(QueueName="verification-" + uuid.uuid4().hex[:6])["QueueUrl"]
    revoked = world.connect("ext-revoked", status="REVOKED")
    unproved = pending(world, world.connect("ext-queued-pending"))
    approved = pending(world, world.connect("ext-queued-approved"), approval="APPROVED")
    held = pending(world, world.connect("ext-queued-held"), approval="REQUIRED", reason=HELD_REASON)
    spec = FunctionSpec.from_template("VerifierScheduleFunction", ROOT / "vendor.yaml")
    with LambdaRunner(spec, code_dir=VENDOR_BUILD / "VerifierScheduleFunction",
                      env={**world.env(), "COSTLINK_QUEUE_URL": queue}) as runner:
        result = runner.invoke(json.loads((ROOT / "events" / "verifier-schedule.json").read_text())).json()
    items = world.client("dynamodb").scan(TableName=world.tables["ConnectionsTable"])["Items"]
    expected = sum(1 for i in items if i["status"]["S"] == "ACTIVE"
                   or i["status"]["S"] == "PENDING" and i.get("approval", {}).get("S") != "REQUIRED")
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
    queued = {b["connection"] for b in bodies}
    assert revoked["connection"] not in queued and held["connection"] not in queued
    assert {unproved["connection"], approved["connection"]} <= queued
    assert {b["asOf"] for b in bodies} == {"2026-11-22T10:00:00Z"}


# ---------------------------------------------------------------- issue 9: the verifier's promises, end to end

def publishable_subject(subject):
    """The SNS Publish rule (moto does not enforce it): ASCII text beginning with a letter, number or punctuation
    mark, no line breaks or control characters, less than 100 characters long."""
    return (0 < len(subject) < 100 and all(0x20 <= ord(ch) <= 0x7e for ch in subject)
            and (subject[0].isalnum() or not subject[0].isspace()))


def test_a_long_tenant_name_with_a_tab_still_makes_a_subject_sns_accepts(world, worker):
    name = "Ac\u0301me\tGlobal Holdings\u000bInternational \u65e5\u672c " * 3
    c = world.connect("ext-subject", tenant_name=name)
    world.deliver(c)
    verify(worker, [c])
    [alert] = world.alerts_received()
    assert publishable_subject(alert["subject"]), repr(alert["subject"])
    assert alert["subject"].startswith("CostLink HEALTHY: Acme Global Holdings International ??")
    assert alert["subject"].endswith(f" account {world.account} (first check)")
    assert alert["message"]["tenant"] == name, "the body keeps the name as the vendor stored it"


def test_events_name_the_connection_id_customers_see(world, worker):
    c = world.connect("ext-id-derived")
    world.deliver(c)
    verify(worker, [c])
    [alert] = world.alerts_received()
    expected = f"costlink-{world.account}-" + hashlib.sha256(c["role_arn"].encode()).hexdigest()[:16]
    assert alert["message"]["connection"] == expected, "the connection stack's PhysicalResourceId"
    assert alert["message"]["eventId"].startswith("health_")

    reported = world.connect("ext-id-reported", reported_id=f"costlink-{world.account}-feedfacefeedface")
    world.deliver(reported)
    verify(worker, [reported])
    [alert] = world.alerts_received()
    assert alert["message"]["connection"] == f"costlink-{world.account}-feedfacefeedface", "the id the callback reported"


def deny_registry_updates(world):
    world.client("iam").put_user_policy(UserName="verifier", PolicyName="no-updates", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "dynamodb:UpdateItem", "Resource": "*"}]}))


def allow_registry_updates(world):
    world.client("iam").delete_user_policy(UserName="verifier", PolicyName="no-updates")


def test_a_verification_that_cannot_be_recorded_publishes_nothing(world, worker):
    c = world.connect("ext-norecord")
    world.deliver(c)
    deny_registry_updates(world)
    try:
        # SQS redelivers a failed message: each attempt fails to record, and none may alert.
        for _ in range(3):
            assert verify(worker, [c]) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    finally:
        allow_registry_updates(world)
    assert world.alerts_received() == []
    assert verify(worker, [c]) == {"batchItemFailures": []}
    assert [a["attributes"]["status"] for a in world.alerts_received()] == ["HEALTHY"]


def test_a_failed_publish_stays_pending_and_the_redelivery_publishes_it_once(vendor_built, world, worker):
    c = world.connect("ext-nopublish")
    world.deliver(c)
    as_of = datetime.now(timezone.utc)
    spec = FunctionSpec.from_template("VerifierWorkerFunction", ROOT / "vendor.yaml")
    missing_topic = world.topic.rsplit(":", 1)[0] + ":no-such-topic"
    with LambdaRunner(spec, code_dir=VENDOR_BUILD / "VerifierWorkerFunction",
                      env={**world.env(), "COSTLINK_TOPIC_ARN": missing_topic}) as broken:
        event = {"Records": [{"messageId": "m0", "receiptHandle": "r", "eventSource": "aws:sqs", "body": json.dumps(
            {"tenant": c["tenant"], "connection": c["connection"], "asOf": as_of.strftime("%Y-%m-%dT%H:%M:%SZ")})}]}
        assert broken.invoke(event).json() == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    recorded = world.item(c)
    assert recorded["healthStatus"]["S"] == "HEALTHY"
    pending = recorded["healthPending"]["M"]
    assert world.alerts_received() == []

    assert verify(worker, [c], as_of=as_of) == {"batchItemFailures": []}, "the redelivered message"
    [alert] = world.alerts_received()
    assert alert["message"]["eventId"] == pending["eventId"]["S"]
    assert alert["subject"] == pending["subject"]["S"]
    after = world.item(c)
    assert "healthPending" not in after
    assert after["healthCheckedAt"] == recorded["healthCheckedAt"], "the redelivery did not verify again"
    verify(worker, [c], as_of=as_of)
    assert world.alerts_received() == [], "published once"


def test_malformed_records_fail_alone(world, worker):
    batch = json.loads((ROOT / "events" / "verifier-sqs-batch.json").read_text())
    template = batch["Records"][0]
    bad_bodies = {"m-array": "[]", "m-text": "\"text\"", "m-broken": "{not json", "m-no-asof": json.dumps(
        {"tenant": "f" * 64, "connection": "x"}), "m-bad-asof": json.dumps(
        {"tenant": "f" * 64, "connection": "x", "asOf": "yesterday"}), "m-number-tenant": json.dumps(
        {"tenant": 5, "connection": "x", "asOf": "2026-11-22T10:00:00Z"})}
    for message_id, body in bad_bodies.items():
        batch["Records"].append({**template, "messageId": message_id, "body": body})
    batch["Records"].append({**template, "messageId": "m-no-body", "body": None})
    batch["Records"].append("not a record")
    batch["Records"].append({k: v for k, v in template.items() if k != "messageId"})
    invocation = worker.invoke(batch)
    assert not invocation.function_error, invocation.payload
    failed = [f["itemIdentifier"] for f in invocation.json()["batchItemFailures"]]
    assert failed == [*bad_bodies, "m-no-body"], "each unreadable message alone; the events file's two are skipped"


def test_freshness_lists_only_where_manifests_live(world, worker):
    c = world.connect("ext-listing", carbon=True)
    world.deliver(c, carbon_month=(datetime.now(timezone.utc).replace(day=1) - timedelta(days=1)).strftime("%Y-%m"))
    for i in range(30):
        world.s3.put_object(Bucket=BUCKET, Key=f"reports/cur2/{c['export']}/data/BILLING_PERIOD=2024-{i % 12 + 1:02d}/"
                                               f"{c['export']}-{i:05d}.snappy.parquet", Body=b"PAR1")
    requests = world.recorded(lambda: verify(worker, [c]))
    status, checks = world.health(c)
    assert checks["cur-freshness"] == "PASS" and checks["carbon-month"] == "PASS", checks
    listings = [parse_qs(urlparse(r["url"]).query) for r in requests
                if r["method"] == "GET" and f"/{BUCKET}" in r["url"] and "list-type" in r["url"]]
    prefixes = [q.get("prefix", [""])[0] for q in listings]
    assert prefixes, requests
    assert all("/metadata/" in p for p in prefixes), prefixes
    assert len(prefixes) <= 4, prefixes
    world.alerts_received()


def test_the_latest_run_of_an_export_with_many_runs_is_read_within_bounds(world, worker):
    c = world.connect("ext-many-runs")
    start = datetime.now(timezone.utc) - timedelta(days=400)
    for i in range(1000):
        world.exports.add_execution(c["export_arn"], "DELIVERY_SUCCESS", created=start + timedelta(hours=8 * i))
    world.deliver(c)
    calls = len(world.exports.calls)
    verify(worker, [c])
    made = world.exports.calls[calls:]
    assert made.count("ListExecutions") == 3, made
    status, checks = world.health(c)
    assert checks["cur-export"] == "PASS"
    [alert] = world.alerts_received()
    detail = next(k["detail"] for k in alert["message"]["checks"] if k["name"] == "cur-export")
    assert "newest of those read" in detail, detail


# ---------------------------------------------------------------- issue 12: a health model that knows AWS's calendar
# The worker's clock is the schedule's instant carried in each message (`asOf`): these tests move time by sending
# later instants, as the scheduler would. moto stamps objects with the real time, so manifests are "now".

def test_a_new_connection_is_pending_on_its_first_day_late_on_the_second_and_missing_after(world, worker):
    c = world.connect("ext-first-day", registered_hours_ago=2)
    verify(worker, [c])
    assert world.states(c)["cur-freshness"] == "PENDING_FIRST" and world.health(c)[0] == "HEALTHY"
    verify(worker, [c], as_of=later(28))
    assert world.states(c)["cur-freshness"] == "LATE" and world.health(c)[0] == "DEGRADED"
    verify(worker, [c], as_of=later(50))
    assert world.states(c)["cur-freshness"] == "MISSING" and world.health(c)[0] == "UNHEALTHY"
    alerts = world.alerts_received()
    assert [a["attributes"]["status"] for a in alerts] == ["HEALTHY", "DEGRADED", "UNHEALTHY"]
    states = [{k["name"]: k.get("state") for k in a["message"]["checks"]}["cur-freshness"] for a in alerts]
    assert states == ["PENDING_FIRST", "LATE", "MISSING"], "every event names each check's state"
    assert "it has not come" in check_detail(alerts[2], "cur-freshness")


def test_a_recreated_export_has_its_own_first_delivery_window(world, worker):
    c = world.connect("ext-recreated", export_created=datetime.now(timezone.utc) + timedelta(seconds=5))
    world.deliver(c)  # the old export's last manifest, written before the new export was created
    verify(worker, [c], as_of=later(2))
    assert world.states(c)["cur-freshness"] == "PENDING_FIRST", world.item(c)["healthChecks"]
    verify(worker, [c], as_of=later(30))
    assert world.states(c)["cur-freshness"] == "LATE"
    world.alerts_received()


def test_a_new_month_without_its_own_delivery_is_late_only_after_its_window(world, worker):
    now = datetime.now(timezone.utc)
    previous = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    c = world.connect("ext-new-month")
    world.deliver(c, period=previous)  # AWS just rewrote last month; this month has no data of its own yet
    verify(worker, [c], as_of=now)
    into_month = now - now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    [alert] = world.alerts_received()
    detail = check_detail(alert, "cur-freshness")
    if into_month > timedelta(hours=48):
        assert world.states(c)["cur-freshness"] == "LATE", detail
        assert f"billing period {now:%Y-%m} has no CUR delivery yet" in detail
    else:  # the first two days of a month: no false alarm
        assert world.states(c)["cur-freshness"] == "OK", detail
        assert f"The first delivery of {now:%Y-%m} is due by" in detail


@pytest.mark.parametrize("reason,fix", [
    ("BILL_OWNER_CHANGED", "joined or left an AWS Organization"),
    ("INTERNAL_FAILURE", "usually clears at the next refresh"),
    ("DEPRECATED", "recreate the export with the current table version")])
def test_an_export_failing_with_each_reason_says_what_to_do(world, worker, reason, fix):
    c = world.connect("ext-reason-" + reason, export=("UNHEALTHY", reason, "DELIVERY_FAILURE", reason))
    world.deliver(c)
    verify(worker, [c])
    assert world.health(c)[1]["cur-export"] == "FAIL" and world.states(c)["cur-export"] == "FAILED"
    [alert] = world.alerts_received()
    detail = check_detail(alert, "cur-export")
    assert detail.startswith(f"Export {c['export']} is UNHEALTHY ({reason}): ") and fix in detail, detail


def test_a_failed_latest_run_of_a_healthy_export_fails_too(world, worker):
    c = world.connect("ext-failed-run", export=("HEALTHY", None, "DELIVERY_FAILURE", "INSUFFICIENT_PERMISSION"))
    world.deliver(c)
    verify(worker, [c])
    assert world.states(c)["cur-export"] == "FAILED"
    [alert] = world.alerts_received()
    assert "ended in DELIVERY_FAILURE (INSUFFICIENT_PERMISSION)" in check_detail(alert, "cur-export")


def test_an_invalid_delivery_is_its_own_failure_and_the_next_valid_one_clears_it(world, worker):
    c = world.connect("ext-invalid")
    world.deliver(c)
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    world.record_delivery(c, "CUR2", c["export"], valid=False, received_at=an_hour_ago,
                          problems=[(f"reports/cur2/{c['export']}/data/x-00002.snappy.parquet",
                                     "not a Parquet file (no PAR1 at its end)")],
                          last_valid_at=an_hour_ago - timedelta(hours=8))
    verify(worker, [c])
    status, checks = world.health(c)
    assert status == "UNHEALTHY" and checks["delivery-valid"] == "FAIL" and checks["cur-freshness"] == "PASS", \
        "it arrived: invalid, not missing"
    assert world.states(c)["delivery-valid"] == "INVALID"
    [alert] = world.alerts_received()
    assert alert["attributes"]["failedChecks"] == "delivery-valid"
    detail = check_detail(alert, "delivery-valid")
    assert "x-00002.snappy.parquet: not a Parquet file" in detail and "Its last valid delivery was received" in detail
    assert alert["message"]["lastDelivery"]["type"] == "delivery.invalid"

    world.record_delivery(c, "CUR2", c["export"], valid=True, received_at=datetime.now(timezone.utc))
    verify(worker, [c], as_of=later(1))
    assert world.health(c)[0] == "HEALTHY" and world.states(c)["delivery-valid"] == "OK"
    [recovered] = world.alerts_received()
    assert recovered["message"]["previousStatus"] == "UNHEALTHY", "one recovery"


def test_a_focus_export_is_checked_like_cur2_in_its_own_prefix(world, worker):
    c = world.connect("ext-focus", focus=True, export=("HEALTHY", None, "DELIVERY_SUCCESS", None))
    world.exports.add_execution(c["focus_arn"], "DELIVERY_SUCCESS")
    world.deliver(c, focus=True)
    verify(worker, [c])
    status, checks = world.health(c)
    assert (status, checks) == ("HEALTHY", {"assume-role": "PASS", "cur-freshness": "PASS", "focus-freshness": "PASS",
                                            "delivery-valid": "PASS", "cur-export": "PASS", "focus-export": "PASS"})
    world.alerts_received()
    world.exports.exports[c["focus_arn"]].status = "UNHEALTHY"
    world.exports.exports[c["focus_arn"]].reason = "DEPRECATED"
    verify(worker, [c], as_of=later(1))
    assert world.states(c)["focus-export"] == "FAILED"
    [alert] = world.alerts_received()
    assert alert["attributes"]["failedChecks"] == "focus-export"


# ---------------------------------------------------------------- issue 13: the customer's side of nothing lost

def test_parked_delivery_events_are_read_through_the_role_and_say_how_to_replay(world, worker):
    c = world.connect("ext-parked", failures_queue="granted")
    world.deliver(c)
    sqs = world.client("sqs")
    for i in range(2):
        sqs.send_message(QueueUrl=c["queue_url"], MessageBody=json.dumps({"requestPayload": {"n": i}}))
    requests = world.recorded(lambda: verify(worker, [c]))
    assert [r for r in requests if "GetQueueAttributes" in json.dumps(r)], "read through SQS itself"
    assert world.health(c)[1]["delivery-failures"] == "FAIL" and world.states(c)["delivery-failures"] == "PARKED"
    [alert] = world.alerts_received()
    detail = check_detail(alert, "delivery-failures")
    assert detail.startswith("2 delivery events wait") and "Replaying deliveries the vendor missed" in detail, detail
    assert "Replaying deliveries the vendor missed" in (ROOT / "README.md").read_text(), "the fix names a real section"
    sqs.purge_queue(QueueUrl=c["queue_url"])
    verify(worker, [c], as_of=later(1))
    assert world.states(c)["delivery-failures"] == "OK" and world.health(c)[0] == "HEALTHY"
    world.alerts_received()


def test_a_role_without_the_queue_permission_cannot_read_its_depth(world, worker):
    c = world.connect("ext-queue-denied", failures_queue="not-granted")
    world.deliver(c)
    world.client("sqs").send_message(QueueUrl=c["queue_url"], MessageBody="{}")
    verify(worker, [c])
    assert world.health(c)[1]["delivery-failures"] == "WARN" and world.states(c)["delivery-failures"] == "UNVERIFIABLE"
    [alert] = world.alerts_received()
    detail = check_detail(alert, "delivery-failures")
    assert "AccessDenied" in detail and "sqs:GetQueueAttributes" in detail, detail


@pytest.mark.parametrize("url,reason", [
    ("https://sqs.us-east-1.amazonaws.com/999988887777/CostLink-DeliveryFailures", "another account"),
    ("https://sqs.eu-west-1.amazonaws.com/{account}/CostLink-DeliveryFailures", "another region"),
    ("http://127.0.0.1:1/{account}/CostLink-DeliveryFailures", "not an https SQS queue URL")])
def test_a_queue_url_outside_the_connections_account_and_region_is_never_called(world, worker, url, reason):
    url = url.format(account=world.account)
    c = world.connect("ext-queue-refused-" + reason.split()[1], failures_queue=url)
    world.deliver(c)
    requests = world.recorded(lambda: verify(worker, [c]))
    assert world.states(c)["delivery-failures"] == "UNVERIFIABLE"
    assert not [r for r in requests if "GetQueueAttributes" in json.dumps(r)], "no SQS call for a refused URL"
    [alert] = world.alerts_received()
    detail = check_detail(alert, "delivery-failures")
    assert reason in detail and url not in detail, detail


# ---------------------------------------------------------------- issue 13: the verifier's metrics, as declared

def emitted(runner, action):
    """The EMF documents the function wrote while `action` ran, each validated (tests/support/emf.py)."""
    before = len(runner.logs())
    action()
    return emf_lines(runner.logs()[before:])


def assert_exactly_as_declared(documents, names):
    """Every metric of `names` is emitted, each with exactly its declared dimension sets and unit, and nothing else."""
    found = emitted_metrics(documents)
    assert {name for _, name, _ in found} == set(names), found
    for name in names:
        declared = CATALOG.metric(name)
        assert {keys for ns, n, keys in found if n == name and ns == CATALOG.namespace} == set(declared.dimension_sets)
        units = {d.get("Unit") for doc in documents for directive in doc["_aws"]["CloudWatchMetrics"]
                 for d in directive["Metrics"] if d["Name"] == name}
        assert units == {declared.unit}, (name, units)


def values(documents, name, **dimensions):
    return [doc[name] for doc in documents if name in doc
            and all(doc.get(k) == v for k, v in dimensions.items())]


def test_the_worker_emits_its_metrics_exactly_as_declared(world, worker):
    fresh = world.connect("ext-metrics-fresh")
    world.deliver(fresh)
    world.record_delivery(fresh, "CUR2", fresh["export"], valid=True,
                          received_at=datetime.now(timezone.utc) - timedelta(hours=3))
    refused = world.connect("ext-metrics-role", tenant_external_id="ext-metrics-other")
    documents = emitted(worker, lambda: verify(worker, [fresh, refused, "{not json"]))
    assert_exactly_as_declared(documents, ["ConnectionsChecked", "AssumeRoleFailures", "CheckFailures",
                                           "LastValidDeliveryAgeHours", "WorkerErrors"])
    assert sorted(values(documents, "ConnectionsChecked", Status="HEALTHY")) == [1]
    assert sorted(values(documents, "ConnectionsChecked", Status="UNHEALTHY")) == [1]
    assert sorted(values(documents, "AssumeRoleFailures")) == [0, 1]
    assert values(documents, "CheckFailures", Check="assume-role") == [1]
    [age] = values(documents, "LastValidDeliveryAgeHours")
    assert 2.9 <= age <= 3.5, "one value, for the one connection with a valid CUR delivery"
    assert values(documents, "WorkerErrors") == [1], "the unreadable message"
    world.alerts_received()


def test_the_scheduler_emits_its_metrics_on_every_run_even_with_no_connection(vendor_built, world):
    ddb = world.client("dynamodb")
    empty = "connections-empty-" + uuid.uuid4().hex[:6]
    ddb.create_table(TableName=empty, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "tenant", "AttributeType": "S"},
                                           {"AttributeName": "connection", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "tenant", "KeyType": "HASH"},
                                {"AttributeName": "connection", "KeyType": "RANGE"}])
    queue = world.client("sqs").create_queue(QueueName="verification-" + uuid.uuid4().hex[:6])["QueueUrl"]
    spec = FunctionSpec.from_template("VerifierScheduleFunction", ROOT / "vendor.yaml")
    event = json.loads((ROOT / "events" / "verifier-schedule.json").read_text())
    runs = {}
    for table in (empty, world.tables["ConnectionsTable"]):
        with LambdaRunner(spec, code_dir=VENDOR_BUILD / "VerifierScheduleFunction",
                          env={**world.env(), "COSTLINK_QUEUE_URL": queue, "COSTLINK_CONNECTIONS_TABLE": table}) as r:
            result = {}
            documents = emitted(r, lambda: result.update(r.invoke(event).json()))
            runs[table] = (result["queued"], documents)
    for queued, documents in runs.values():
        assert_exactly_as_declared(documents, ["VerifierRuns", "ConnectionsQueued", "VerifierRunDuration"])
        assert values(documents, "VerifierRuns") == [1]
        assert values(documents, "ConnectionsQueued") == [queued]
        assert all(v >= 0 for v in values(documents, "VerifierRunDuration"))
    assert runs[empty][0] == 0 and runs[world.tables["ConnectionsTable"]][0] > 0


# ---------------------------------------------------------------- issue 11: a PENDING connection's role is proved first

NOT_ASSUMED = "the vendor has not yet assumed the role"
DENIED_REASON = ("the vendor cannot assume the role with the tenant's ExternalId (trust policy or ExternalId wrong, or "
                 "the role is not yet visible to STS)")
HELD_REASON = "account outside the tenant's allowed accounts: held for the vendor's approval"


def pending(world, c, approval=None, reason=NOT_ASSUMED):
    """What the registry records for a connection.created (RegistrySchema.Connections): PENDING, its reason, the event
    it came from and, for an account outside the tenant's policy, approval REQUIRED."""
    names, values = {"#s": "status", "#r": "pendingReason", "#e": "lastEventId"}, {
        ":s": {"S": "PENDING"}, ":r": {"S": reason}, ":e": {"S": "evt_" + uuid.uuid4().hex}}
    update = "SET #s = :s, #r = :r, #e = :e"
    if approval:
        names["#a"], values[":a"] = "approval", {"S": approval}
        update += ", #a = :a"
    world.client("dynamodb").update_item(TableName=world.tables["ConnectionsTable"], Key={
        "tenant": {"S": c["tenant"]}, "connection": {"S": c["connection"]}}, UpdateExpression=update,
        ExpressionAttributeNames=names, ExpressionAttributeValues=values)
    return c


def trust(world, c, external_id):
    """The customer fixes the role's trust policy: the vendor, with `external_id`."""
    world.client("iam").update_assume_role_policy(RoleName=c["role"], PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": world.user_arn},
                                                "Action": "sts:AssumeRole", "Condition": {"StringEquals": {
                                                    "sts:ExternalId": external_id}}}]}))


def test_a_pending_connection_the_vendor_cannot_assume_stays_pending_until_its_trust_is_fixed(world, worker):
    c = pending(world, world.connect("ext-pending-in-the-role", tenant_external_id="ext-pending-the-tenant-has"))
    world.deliver(c)
    documents = emitted(worker, lambda: verify(worker, [c]))
    item = world.item(c)
    assert (item["status"]["S"], item["pendingReason"]["S"]) == ("PENDING", DENIED_REASON)
    assert "proofTriedAt" in item and "provedAt" not in item
    assert "healthStatus" not in item and "healthChecks" not in item, "not verified: no checks ran"
    assert world.alerts_received() == [], "a role not yet proved alerts no one"
    assert values(documents, "RoleProofsFailed", Reason="AccessDenied") == [1]
    assert values(documents, "ConnectionsChecked") == []

    trust(world, c, "ext-pending-the-tenant-has")
    documents += emitted(worker, lambda: verify(worker, [c]))
    item = world.item(c)
    assert item["status"]["S"] == "ACTIVE" and "pendingReason" not in item
    assert int(item["provedAt"]["N"]) >= int(item["proofTriedAt"]["N"]) - 1
    assert world.health(c) == ("HEALTHY", {"assume-role": "PASS", "cur-freshness": "PASS", "delivery-valid": "PASS",
                                           "cur-export": "PASS"}), "proved, then checked as any active connection"
    [alert] = world.alerts_received()
    assert alert["attributes"]["status"] == "HEALTHY"
    assert values(documents, "RoleProofsSucceeded") == [1]
    proofs = [d for d in documents if "RoleProofsSucceeded" in d or "RoleProofsFailed" in d]
    assert_exactly_as_declared(proofs, ["RoleProofsSucceeded", "RoleProofsFailed"])

    proved_at = item["provedAt"]
    again = emitted(worker, lambda: verify(worker, [c], as_of=later(1)))
    assert [d for d in again if "RoleProofsSucceeded" in d or "RoleProofsFailed" in d] == []
    assert world.item(c)["provedAt"] == proved_at, "an ACTIVE connection is not proved again"
    world.alerts_received()


def test_a_held_connection_is_not_tried_until_the_vendor_approves_it(world, worker, monkeypatch):
    c = pending(world, world.connect("ext-held"), approval="REQUIRED", reason=HELD_REASON)
    world.deliver(c)
    verify(worker, [c])
    item = world.item(c)
    assert (item["status"]["S"], item["pendingReason"]["S"]) == ("PENDING", HELD_REASON)
    assert "proofTriedAt" not in item and "healthStatus" not in item, "a message that reaches the worker is not tried"

    for k, v in {"AWS_ACCESS_KEY_ID": world.key, "AWS_SECRET_ACCESS_KEY": world.secret}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    assert tenant.main(["approve", "--endpoint-url", world.moto.endpoint, "--tenants-table",
                        world.tables["TenantsTable"], "--connections-table", world.tables["ConnectionsTable"],
                        "--external-id-sha256", c["tenant"], "--account", world.account]) == 0
    assert world.item(c)["approval"]["S"] == "APPROVED"
    verify(worker, [c])
    item = world.item(c)
    assert (item["status"]["S"], item["approval"]["S"]) == ("ACTIVE", "APPROVED") and "pendingReason" not in item
    assert world.health(c)[0] == "HEALTHY"
    world.alerts_received()
