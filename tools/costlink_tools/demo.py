"""The main job, locally and whole: both stacks deployed into the local AWS, then the story of one customer.

  1. the vendor stack is deployed and the vendor creates a tenant (quick-create link);
  2. the customer's connection stack is deployed; its custom resource reaches the callback, the registry records it;
  3. AWS delivers a CUR 2.0 month and a carbon month; the bucket's notifications invoke the detector; the registry
     records valid deliveries;
  4. the verifier runs (the schedule's tick, the queue, the worker), assuming the role the stack created with moto's
     IAM authorisation on: HEALTHY;
  5. deliveries stop and the clock moves on (the next tick is 50 hours later): the verifier publishes the alert, printed
     as a subscriber of the health topic receives it;
  6. a broken delivery (a truncated data file) is reported as delivery.invalid naming the file; the next run says so;
  7. the customer deletes the stack: the Delete reaches the callback, the connection is revoked, the next run no longer
     checks it, and the retained bucket keeps the billing data.
With --scenario Organization the payer stack also deploys the member role to a small organisation's accounts.
Every step checks what it claims; the exit status is 0 only if every step did what it should.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from .cfn_model import ROOT

SCENARIOS = ["NewBucketNewExport", "ExistingBucketNewExport", "ExistingBucketExistingExport", "LinkedAccount",
             "Organization"]
BUCKET = "acme-costlink-cur"
STALE_HOURS = 50  # past the vendor stack's CurAlertHours (48)
TABLE_OUTPUTS = {"TenantsTable": "TenantsTableName", "ConnectionsTable": "ConnectionsTableName",
                 "DeliveriesTable": "DeliveriesTableName"}
# Kept for the suites that create the registry tables on their own moto server (tests/test_verifier.py).
TABLE_ENV = {"TenantsTable": "COSTLINK_TENANTS_TABLE", "ConnectionsTable": "COSTLINK_CONNECTIONS_TABLE",
             "DeliveriesTable": "COSTLINK_DELIVERIES_TABLE", "EventsTable": "COSTLINK_EVENTS_TABLE"}


def create_tables(moto, suffix: str = "") -> dict:
    """The vendor stack's tables on a bare emulator, from vendor.yaml's own key schemas (for suites that do not
    deploy the stack)."""
    from .cfn_model import load_template
    ddb = moto.client("dynamodb")
    names = {}
    for logical, res in load_template(ROOT / "vendor.yaml")["Resources"].items():
        if res["Type"] == "AWS::DynamoDB::Table":
            p = res["Properties"]
            names[logical] = f"costlink-{logical}{suffix}"
            indexes = {"GlobalSecondaryIndexes": p["GlobalSecondaryIndexes"]} if "GlobalSecondaryIndexes" in p else {}
            ddb.create_table(TableName=names[logical], AttributeDefinitions=p["AttributeDefinitions"],
                             KeySchema=p["KeySchema"], BillingMode=p["BillingMode"], **indexes)
    return names


class StepFailed(Exception):
    pass


@dataclass
class StepResult:
    number: str
    title: str
    result: str
    seconds: float


class Story:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.results: list[StepResult] = []
        self._started = time.monotonic()

    def say(self, text: str = ""):
        print(text, file=self.out, flush=True)

    def detail(self, text: str):
        self.say(f"      {text}")

    @contextlib.contextmanager
    def step(self, number: str, title: str):
        self.say(f"[{number}] {title}")
        started = time.monotonic()
        ticker = _Ticker(self, started)
        result = SimpleNamespace(outcome="OK")
        try:
            with ticker:
                yield result
        except StepFailed as e:
            result.outcome = "FAILED"
            self.detail(f"FAILED: {e}")
        except Exception as e:  # noqa: BLE001 - any other error fails the step, with what happened
            result.outcome = "FAILED"
            self.detail(f"FAILED: {type(e).__name__}: {e}")
        seconds = time.monotonic() - started
        self.results.append(StepResult(number, title, result.outcome, seconds))
        self.say(f"      -> {result.outcome} ({seconds:.1f} s)")
        if result.outcome == "FAILED":
            raise _Abort()

    def summary(self) -> bool:
        self.say()
        width = max(len(r.title) for r in self.results)
        self.say(f"{'step':<5} {'what':<{width}}  {'result':<40} {'time':>8}")
        for r in self.results:
            self.say(f"{r.number:<5} {r.title:<{width}}  {r.result:<40} {r.seconds:>7.1f}s")
        total = time.monotonic() - self._started
        self.say(f"{'':<5} {'total':<{width}}  {'':<40} {total:>7.1f}s")
        return all(r.result == "OK" or r.result.startswith("SKIPPED") for r in self.results)


class _Abort(Exception):
    """A step failed: the story stops (later steps build on it)."""


class _Ticker:
    """A progress indication on long steps: a line every 10 s while a step runs."""

    def __init__(self, story: Story, started: float):
        self.story, self.started = story, started
        self._stop = threading.Event()

    def __enter__(self):
        threading.Thread(target=self._run, daemon=True).start()

    def __exit__(self, *exc):
        self._stop.set()

    def _run(self):
        while not self._stop.wait(10):
            self.story.detail(f"... still working ({time.monotonic() - self.started:.0f} s)")


def check(condition: bool, message: str):
    if not condition:
        raise StepFailed(message)


class MainJob:
    def __init__(self, cloud, story: Story, scenario: str):
        from .local_cloud import CUSTOMER, VENDOR
        self.cloud, self.story, self.scenario = cloud, story, scenario
        self.customer, self.vendor_account = CUSTOMER, VENDOR
        self.linked = scenario == "LinkedAccount"
        self.vendor = None
        self.connection = None
        self.external_id = None
        self.alerts_queue = None
        self.clock: datetime | None = None

    # ------------------------------------------------------------------ helpers
    def progress(self, message, waiting=False):
        if waiting or "FAILED" in message or "Custom::" in message:
            self.story.detail(message)

    def vendor_client(self, service):
        return self.cloud.aws.client(service, self.vendor_account)

    def connections(self) -> list[dict]:
        return self.vendor_client("dynamodb").scan(TableName=self.vendor.outputs["ConnectionsTableName"])["Items"]

    def deliveries(self) -> list[dict]:
        return self.vendor_client("dynamodb").scan(TableName=self.vendor.outputs["DeliveriesTableName"])["Items"]

    def tick(self, at: datetime) -> dict:
        """The verifier's schedule ticks at `at`; waits until the scheduler, the queue and the workers are done. The
        story's clock only moves on: a tick is never earlier than the one before (the verifier keeps the newest)."""
        at = max(at, self.clock + timedelta(minutes=5)) if self.clock else at
        self.clock = at
        before = len(self.cloud.lambdas.invocations)
        fired = self.cloud.bridge.tick(self.vendor_account, at)
        check(fired == ["VerifierScheduleFunction"], f"the schedule reached {fired}, not the scheduler")
        check(self.cloud.settle(), "the verifier did not finish")
        ran = self.cloud.lambdas.invocations[before:]
        return {"scheduler": [r for r in ran if r["function"] == "VerifierScheduleFunction"],
                "workers": [r for r in ran if r["function"] == "VerifierWorkerFunction"]}

    def alerts(self) -> list[str]:
        sqs = self.vendor_client("sqs")
        bodies = []
        while True:
            messages = sqs.receive_message(QueueUrl=self.alerts_queue, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", [])
            if not messages:
                return bodies
            for m in messages:
                bodies.append(m["Body"])
                sqs.delete_message(QueueUrl=self.alerts_queue, ReceiptHandle=m["ReceiptHandle"])

    def connection_item(self) -> dict:
        items = [c for c in self.connections() if c["accountId"]["S"] == self.customer]
        check(len(items) == 1, f"the registry holds {len(items)} connections of the customer's account")
        return items[0]

    # ------------------------------------------------------------------ the steps
    def vendor_stack_and_tenant(self):
        from . import tenant
        self.vendor = self.cloud.cloudformation.deploy(ROOT / "vendor.yaml", "CostLink-Vendor", {},
                                                       self.vendor_account, progress=self.progress)
        self.story.detail(f"vendor stack: {len(self.vendor.resources)} resources in account {self.vendor_account}, "
                          f"{self.vendor.seconds:.1f} s; RegistryUrl {self.vendor.outputs['RegistryUrl']}")
        who = self.cloud.aws.identity(self.vendor_account, "admin")
        out = io.StringIO()
        with _environment(AWS_ACCESS_KEY_ID=who.key, AWS_SECRET_ACCESS_KEY=who.secret, AWS_SESSION_TOKEN=None,
                          AWS_CA_BUNDLE=str(self.cloud.tls.cert)), \
                contextlib.redirect_stdout(out):
            tenant.create(SimpleNamespace(name="Acme Corp", template_url="https://artifacts.example.com/packaged.yaml",
                                          stack_name="CostLink-Vendor", region="us-east-1",
                                          endpoint_url=self.cloud.aws.endpoint,
                                          tenants_table=self.vendor.outputs["TenantsTableName"],
                                          callback_url=self.vendor.outputs["RegistryUrl"], vendor_account_id=None,
                                          allowed_accounts=None, allowed_organizations=None))
        text = out.getvalue()
        self.external_id = text.split("shown once, give it only to this customer): ")[1].split()[0]
        link = text.strip().splitlines()[-1]
        check(f"param_VendorAccountId={self.vendor_account}" in link, "the link does not name the vendor account")
        self.story.detail(text.splitlines()[0])
        self.story.detail(f"quick-create link: {link.replace(self.external_id, '<ExternalId>')}")

    def customer_parameters(self) -> dict:
        params = {"VendorAccountId": self.vendor_account, "ExternalId": self.external_id,
                  "CallbackUrl": self.vendor.outputs["RegistryUrl"]}
        if self.linked:
            return {**params, "AccountType": "Linked", "DeploymentScenario": "LinkedAccount"}
        params.update(BucketName=BUCKET, EnableCarbonFootprint="true")
        if self.scenario == "Organization":
            params.update(OrganizationTargets=self.organisation()["ou"])
        elif self.scenario.startswith("ExistingBucket"):
            params["DeploymentScenario"] = self.scenario
            self.customers_own_bucket()
        if self.scenario == "ExistingBucketExistingExport":
            params.update(DataExportName="Acme-CUR", CarbonFootprintExportName="Acme-Carbon",
                          ExistingExportPrefix="reports")
        return params

    def customers_own_bucket(self):
        with_exports = self.scenario == "ExistingBucketExistingExport"
        for line in existing_billing_setup(self.cloud, self.customer, BUCKET, with_exports):
            self.story.detail(line)

    def organisation(self) -> dict:
        if not hasattr(self, "_org"):
            self._org = create_organisation(self.cloud, self.customer)
            self.story.detail(f"organisation of {self.customer}: OU {self._org['ou']} with accounts "
                              f"{', '.join(self._org['members'])}")
        return self._org

    def subscribe_ops(self):
        """The ops team's queue subscribes to the health topic before any connection exists (it sees every event)."""
        sns, sqs = self.vendor_client("sns"), self.vendor_client("sqs")
        self.alerts_queue = sqs.create_queue(QueueName="ops-team-alerts")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.alerts_queue,
                                       AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=self.vendor.outputs["HealthTopicArn"], Protocol="sqs", Endpoint=arn)
        self.story.detail("the ops team's queue subscribes to the health topic")
        self.early_alerts: list[str] = []

    def customer_stack(self):
        self.subscribe_ops()
        params = self.customer_parameters()
        self.connection = self.cloud.cloudformation.deploy(ROOT / "template.yaml", "CostLink", params, self.customer,
                                                           progress=self.progress)
        record = self.connection
        self.story.detail(f"connection stack ({self.scenario}): {len(record.resources)} resources in account "
                          f"{self.customer}, {record.seconds:.1f} s")
        [answer] = [a for a in record.custom_answers if a["request"] == "Create"]
        check(answer["status"] == "SUCCESS", f"the callback answered {answer['status']}: {answer['reason']}")
        self.story.detail(f"ConnectionCallback: {answer['status']}, PhysicalResourceId {answer['physical_id']}, "
                          f"CallbackStatus {record.outputs['CallbackStatus']}")
        check(record.outputs["CallbackStatus"] == "DELIVERED", "the vendor was not told")
        item = self.connection_item()
        if item["status"]["S"] == "PENDING":
            # The registry records a new connection PENDING and asks the verifier to prove the role (docs/security.md).
            self.story.detail(f"registry: connection PENDING ({item['pendingReason']['S']}); verification requested")
            check(self.cloud.settle(), "the role proof did not settle")
            item = self.connection_item()
        check(item["status"]["S"] == "ACTIVE", f"the registry holds the connection as {item['status']['S']}"
              + (f" ({item['pendingReason']['S']})" if "pendingReason" in item else ""))
        self.story.detail("verifier: assumed the reported role with the tenant's ExternalId, connection ACTIVE")
        # The proof's run also verified the connection: its first health event may be published now.
        self.early_alerts = self.alerts()
        check(item["roleArn"]["S"] == record.outputs["RoleArn"], "the registry holds another role")
        check(item["tenant"]["S"] == hashlib.sha256(self.external_id.encode()).hexdigest(), "wrong tenant")
        self.story.detail(f"registry: connection {item['connection']['S']} ACTIVE, role {item['roleArn']['S']}")
        if self.scenario == "Organization":
            self.member_roles()

    def member_roles(self):
        record = self.connection
        stack_set = record.resources["MemberRoleStackSet"].attributes
        members = self.organisation()["members"]
        check(stack_set["Accounts"] == sorted(members), f"the StackSet reached {stack_set['Accounts']}")
        role_name = record.outputs["MemberRoleName"]
        sts = self.cloud.aws.client("sts", self.vendor_account, "lambda")
        for account in members:
            arn = f"arn:aws:iam::{account}:role/{role_name}"
            sts.assume_role(RoleArn=arn, RoleSessionName="costlink-demo", ExternalId=self.external_id)
            self.story.detail(f"member account {account}: {role_name} deployed by StackSet "
                              f"{stack_set['StackSetName']}; the vendor assumes it with the ExternalId")

    def deliveries_arrive(self):
        now = datetime.now(timezone.utc)
        self.cur_period = now.strftime("%Y-%m")
        later = now + timedelta(hours=STALE_HOURS)
        due = (later.replace(day=1) - timedelta(days=1)) if later.day >= 21 else \
            ((later.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1))
        self.carbon_period = due.strftime("%Y-%m")
        outputs = self.connection.outputs
        before = len(self.cloud.s3_events.routed)
        cur = self.cloud.billing.deliver(self.customer, outputs["DataExportName"], self.cur_period, rows=4, files=2)
        carbon = self.cloud.billing.deliver(self.customer, outputs["CarbonExportName"], self.carbon_period, rows=3)
        check(self.cloud.settle(), "the deliveries did not settle")
        routed = self.cloud.s3_events.routed[before:]
        for r in routed:
            target = ", ".join(r["functions"]) or "nothing (no notification matches)"
            self.story.detail(f"s3://{r['bucket']}/{r['key']} -> {target}")
        invoked = [r["key"] for r in routed if "DeliveryDetectorFunction" in r["functions"]]
        check(sorted(invoked) == sorted([cur.manifest_key, carbon.manifest_key]),
              f"the detector was invoked for {invoked}, not exactly the two manifests")
        kinds = {}
        for item in self.deliveries():
            last = item["lastDelivery"]["M"]
            kinds[last["kind"]["S"]] = last
            self.story.detail(f"registry: {item['export']['S']} {last['billingPeriod']['S']}: {last['type']['S']}, "
                              f"{last['fileCount']['N']} files, {last['totalRows']['N']} rows")
        check(set(kinds) == {"CUR2", "CARBON"}, f"the registry recorded {sorted(kinds)}")
        check(all(k["type"]["S"] == "delivery.completed" for k in kinds.values()), "a delivery was not valid")

    def verifier_healthy(self):
        role = self.connection.outputs["RoleArn"]
        sts = self.cloud.aws.client("sts", self.vendor_account, "lambda")
        try:
            sts.assume_role(RoleArn=role, RoleSessionName="wrong-external-id", ExternalId="cl-not-the-tenants-id")
            raise StepFailed("the role let the vendor in with another ExternalId")
        except sts.exceptions.ClientError as e:
            check(e.response["Error"]["Code"] == "AccessDenied", f"unexpected {e}")
        self.story.detail("the role's trust policy refuses the vendor with another ExternalId (AccessDenied)")
        ran = self.tick(datetime.now(timezone.utc))
        self.story.detail(f"schedule tick -> scheduler ({len(ran['scheduler'])} run) -> queue -> worker "
                          f"({len(ran['workers'])} batch)")
        item = self.connection_item()
        checks = {c["M"]["name"]["S"]: c["M"]["result"]["S"] for c in item["healthChecks"]["L"]}
        self.story.detail(f"health: {item['healthStatus']['S']} {checks}")
        check(item["healthStatus"]["S"] == "HEALTHY", f"the connection is {item['healthStatus']['S']}")
        check(checks.get("assume-role") == "PASS", "the verifier could not assume the role")
        messages = [json.loads(json.loads(b)["Message"]) for b in self.early_alerts + self.alerts()]
        health = [m for m in messages if m.get("type") == "connection.health"]
        check(len(health) == 1 and health[0]["status"] == "HEALTHY",
              f"the topic published {[m.get('status') for m in health]}, not the first HEALTHY")
        others = sorted({m.get("type") for m in messages} - {"connection.health"})
        if others:
            self.story.detail(f"the topic also published: {', '.join(map(str, others))}")

    def organisation_coverage(self):
        """What the verifier found of the organisation: the payer connection's coverage and a connection per member
        account (RegistrySchema: coverage, organizationConnection)."""
        payer = self.connection_item()
        members = [c for c in self.connections() if "organizationConnection" in c]
        check("coverage" in payer, "the verifier recorded no coverage on the payer connection")
        coverage = payer["coverage"]["M"]
        covered = coverage.get("covered", {}).get("N")
        accounts = coverage.get("accounts", {}).get("N")
        self.story.detail(f"coverage: {covered} of {accounts} accounts")
        for m in members:
            self.story.detail(f"member {m['accountId']['S']}: {m.get('healthStatus', {}).get('S', 'UNCHECKED')}")
        check(covered == accounts == str(len(self.organisation()["members"])),
              f"coverage {covered}/{accounts}, not every member account")
        check(sorted(m["accountId"]["S"] for m in members) == sorted(self.organisation()["members"]),
              "a member account has no connection")
        check(all(m.get("healthStatus", {}).get("S") == "HEALTHY" for m in members), "a member is not HEALTHY")

    def deliveries_stop(self):
        ran = self.tick(datetime.now(timezone.utc) + timedelta(hours=STALE_HOURS))
        check(ran["workers"], "no worker ran")
        item = self.connection_item()
        check(item["healthStatus"]["S"] == "UNHEALTHY", f"the connection is {item['healthStatus']['S']}")
        bodies = [b for b in self.alerts() if json.loads(json.loads(b)["Message"]).get("type") == "connection.health"]
        check(len(bodies) == 1, f"the topic published {len(bodies)} health events, not one alert")
        envelope = json.loads(bodies[0])
        message = json.loads(envelope["Message"])
        check(message["status"] == "UNHEALTHY" and "cur-freshness" in envelope["MessageAttributes"]["failedChecks"]
              ["Value"], "the alert does not name the stale CUR")
        self.story.detail(f"{STALE_HOURS} h later, the SNS message the ops team's subscription receives:")
        for line in json.dumps(envelope, indent=2).splitlines():
            self.story.detail("  " + line)

    def broken_delivery(self):
        before = len(self.cloud.s3_events.routed)
        broken = self.cloud.billing.deliver(self.customer, self.connection.outputs["DataExportName"], self.cur_period,
                                            rows=4, files=2, truncate_file=2)
        check(self.cloud.settle(), "the delivery did not settle")
        check(any(r["key"] == broken.manifest_key and "DeliveryDetectorFunction" in r["functions"]
                  for r in self.cloud.s3_events.routed[before:]), "the detector was not invoked")
        [cur] = [i["lastDelivery"]["M"] for i in self.deliveries() if i["lastDelivery"]["M"]["kind"]["S"] == "CUR2"]
        check(cur["type"]["S"] == "delivery.invalid", f"the registry recorded {cur['type']['S']}")
        files = [p["M"].get("file", {}).get("S") for p in cur["problems"]["L"]]
        check(broken.truncated[0] in files, f"delivery.invalid names {files}, not the truncated file")
        problem = next(p["M"]["problem"]["S"] for p in cur["problems"]["L"] if p["M"].get("file", {}).get("S")
                       == broken.truncated[0])
        self.story.detail(f"registry: delivery.invalid, {broken.truncated[0]}: {problem}")
        ran = self.tick(datetime.now(timezone.utc))
        check(ran["workers"], "no worker ran")
        item = self.connection_item()
        checks = {c["M"]["name"]["S"]: c["M"] for c in item["healthChecks"]["L"]}
        check("delivery-valid" in checks, "the verifier has no delivery-valid check")
        valid = checks["delivery-valid"]
        check(valid["result"]["S"] != "PASS" and broken.truncated[0] in valid["detail"]["S"],
              f"the next verifier run says delivery-valid {valid['result']['S']}: {valid['detail']['S'][:200]}")
        self.story.detail(f"next verifier run: {item['healthStatus']['S']}, delivery-valid {valid['result']['S']}: "
                          f"{valid['detail']['S'][:160]}...")
        published = self.alerts()
        self.story.detail(f"health topic: {len(published)} new message(s) (an alert repeats only when the status "
                          "changes or after RealertHours)")

    def customer_deletes(self):
        before = len(self.connection.custom_answers)
        self.cloud.cloudformation.delete("CostLink", self.customer, progress=self.progress)
        answers = self.connection.custom_answers[before:]
        check([a["request"] for a in answers] == ["Delete"] and answers[0]["status"] == "SUCCESS",
              f"the Delete reached the callback as {answers}")
        item = self.connection_item()
        check(item["status"]["S"] == "REVOKED", f"the registry holds the connection as {item['status']['S']}")
        self.story.detail(f"Delete answered SUCCESS; registry: connection {item['status']['S']}")
        members = [c for c in self.connections() if "organizationConnection" in c]
        if members:
            statuses = sorted({m["status"]["S"] for m in members})
            check(statuses == ["REVOKED"], f"the organisation's member connections are {statuses}")
            self.story.detail(f"registry: the organisation's {len(members)} member connections REVOKED with it")
        ran = self.tick(datetime.now(timezone.utc))
        check(len(ran["scheduler"]) == 1, "the scheduler did not run")
        queued = json.loads(ran["scheduler"][0]["payload"])
        check(queued.get("queued") == 0 and not ran["workers"], f"the verifier still checked a connection: {queued}")
        self.story.detail(f"next verifier run: scheduler {ran['scheduler'][0]['payload']}, no worker ran")
        if not self.linked:
            s3 = self.cloud.aws.client("s3", self.customer)
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
            own = self.scenario.startswith("ExistingBucket")
            check(own or "BillingBucket" in self.connection.retained, "the bucket was not retained")
            check(len(keys) >= 4, "the billing data is gone")
            whose = "the customer's own bucket (never the stack's)" if own else "retained (DeletionPolicy Retain)"
            self.story.detail(f"{whose}: s3://{BUCKET} with {len(keys)} objects of billing data")


def existing_billing_setup(cloud, customer: str, bucket: str, with_exports: bool) -> list[str]:
    """What a customer of an ExistingBucket scenario had before the stack: the billing bucket, whose policy lets the
    billing services write (the policy the stack gives a bucket it creates, rendered for this bucket), EventBridge
    turned on as the README asks, and for ExistingBucketExistingExport the exports (Acme-CUR, Acme-Carbon)."""
    from .cfn_model import Stack
    from .local_cloud.deploy import sam_transform
    s3 = cloud.aws.client("s3", customer)
    s3.create_bucket(Bucket=bucket)
    template = sam_transform((ROOT / "template.yaml").read_text())
    new_bucket = Stack(template, {"VendorAccountId": "999988887777", "ExternalId": "unused-here",
                                  "CallbackUrl": "https://vendor.example.com/", "BucketName": bucket},
                       account_id=customer)
    policy = new_bucket.rendered_resources()["BillingBucketPolicy"]["Properties"]["PolicyDocument"]
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy).replace("<BillingBucket>", bucket))
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    done = [f"the customer's own bucket {bucket}: billing services may write, EventBridge on"]
    if with_exports:
        exports = cloud.aws.client("bcm-data-exports", customer)
        for logical, name, prefix in (("Cur2Export", "Acme-CUR", "reports/cur2"),
                                      ("CarbonExport", "Acme-Carbon", "reports/carbon-footprint")):
            export = template["Resources"][logical]["Properties"]["Export"]
            exports.create_export(Export={
                "Name": name, "DataQuery": export["DataQuery"], "RefreshCadence": export["RefreshCadence"],
                "DestinationConfigurations": {"S3Destination": {
                    **export["DestinationConfigurations"]["S3Destination"], "S3Bucket": bucket, "S3Prefix": prefix,
                    "S3Region": "us-east-1"}}})
        done.append("the customer's existing exports Acme-CUR and Acme-Carbon write under reports/")
    return done


def create_organisation(cloud, management: str) -> dict:
    """A small organisation in moto: `management` is its management account, with an OU Workloads holding two new
    member accounts."""
    org = cloud.aws.client("organizations", management)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    members = []
    for name in ("acme-prod", "acme-dev"):
        account = org.create_account(Email=f"{name}@acme.example", AccountName=name)["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
        members.append(account)
    return {"root": root, "ou": ou, "members": members}


@contextlib.contextmanager
def _environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run(scenario: str, out=sys.stdout) -> int:
    from .local_cloud import LocalCloud
    story = Story(out)
    story.say(f"CostLink, the main job on the local AWS (scenario {scenario})")
    cloud = LocalCloud()
    try:
        with story.step("0", "the local AWS starts (moto with IAM authorisation, exports emulators, Lambda service)"):
            cloud.start()
        job = MainJob(cloud, story, scenario)
        steps = [("1", "vendor stack deployed, tenant created", job.vendor_stack_and_tenant),
                 ("2", "connection stack deployed, callback reports it", job.customer_stack)]
        if job.linked:
            steps += [("3", "deliveries (a linked account has none)", None),
                      ("4", "verifier: HEALTHY", job.verifier_healthy),
                      ("5", "deliveries stop (a linked account has none)", None),
                      ("6", "broken delivery (a linked account has none)", None)]
        else:
            steps += [("3", "CUR 2.0 and carbon delivered, detector validates", job.deliveries_arrive),
                      ("4", "verifier: HEALTHY", job.verifier_healthy),
                      ("5", "deliveries stop: alert published", job.deliveries_stop),
                      ("6", "broken delivery reported as invalid", job.broken_delivery)]
        steps.append(("7", "customer deletes the stack: connection revoked", job.customer_deletes))
        if scenario == "Organization":
            steps.insert(4, ("4b", "organisation coverage per account", job.organisation_coverage))
        for number, title, action in steps:
            if action is None:
                story.say(f"[{number}] {title}: SKIPPED (not applicable)")
                story.results.append(StepResult(number, title, "SKIPPED (not applicable)", 0.0))
                continue
            with story.step(number, title):
                action()
    except _Abort:
        pass
    finally:
        cloud.stop()
    ok = story.summary()
    story.say("every step did what it should" if ok else "a step failed: see above")
    return 0 if ok else 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="costlink demo", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", default="NewBucketNewExport", choices=SCENARIOS)
    args = p.parse_args(argv)
    return run(args.scenario)


if __name__ == "__main__":
    raise SystemExit(main())
