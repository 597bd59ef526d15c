"""Organisation-wide connections, verified end to end: a moto organisation whose member accounts got the member role
from member-role.yaml (deployed by moto's CloudFormation, as each StackSet instance does), the registry holding the
payer connection as the connection stack reports it, and the BUILT scheduler and worker under the Lambda emulator,
fed from a real SQS queue the way Lambda's event source feeds them. moto runs with IAM authorisation on and with
STS's cross-account trust check (costlink_tools.moto_sts_trust, docs/emulator-notes.md): a member role whose trust
holds another ExternalId is really refused.

What the verifier must do (README, "Organisation-wide onboarding"; docs/health-events.md, "Organisations"): list the
targets' accounts through the payer role, keep one member connection per account under the payer connection, verify
every ACTIVE member through the queue within the run, record the coverage on the payer connection, and publish one
organisation event instead of one per member.
"""
import hashlib
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from conftest import ROOT, VALID
from costlink_tools.cfn_model import Stack, load_template
from costlink_tools.demo import TABLE_ENV, create_tables
from costlink_tools.lambda_runner import FunctionSpec, LambdaRunner
from costlink_tools.moto_server import MotoServer
from test_verifier import ADMIN, VENDOR_BUILD, World

EXTERNAL_ID = "cl-org-tenant-external-id-7f3a9c"
MEMBER_ROLE = "CostLink-MemberReadAccess"
OPEN = 10 ** 9  # "every request unauthenticated" (moto counts down the requests it lets through)


class Organisation:
    """A vendor (the verifier's IAM user, the registry, the verification queue, the health topic read through a
    queue) and a customer's organisation on one moto server. Setting up the customer's accounts happens in an
    unauthenticated window (nothing in a fresh moto account may act before a role exists there), closed again before
    the verifier runs, so everything the verifier does is authorised and every trust policy judged."""

    def __init__(self, tenant_name="Acme Holdings"):
        self.moto = MotoServer(unauthenticated_calls=OPEN, cross_account_trust=True).start()
        iam = self.moto.client("iam")
        iam.create_user(UserName="verifier")
        iam.put_user_policy(UserName="verifier", PolicyName="all", PolicyDocument=ADMIN)
        key = iam.create_access_key(UserName="verifier")["AccessKey"]
        self.key, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        self.vendor = self.client("sts").get_caller_identity()["Account"]
        self.tables = create_tables(self)
        sqs, sns = self.client("sqs"), self.client("sns")
        self.queue = sqs.create_queue(QueueName="verification", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
        self.topic = sns.create_topic(Name="health")["TopicArn"]
        self.alerts = sqs.create_queue(QueueName="alerts")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.alerts, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=arn)

        self.tenant = hashlib.sha256(EXTERNAL_ID.encode()).hexdigest()
        self.client("dynamodb").put_item(TableName=self.tables["TenantsTable"], Item={
            "externalIdSha256": {"S": self.tenant}, "externalId": {"S": EXTERNAL_ID}, "name": {"S": tenant_name}})
        # The management account: its own session creates the organisation, so it is the management account.
        self.management = "210987654321"
        self.org = self.in_account(self.management, "organizations")
        organization = self.org.create_organization(FeatureSet="ALL")["Organization"]
        self.organization_id = organization["Id"]
        self.root = self.org.list_roots()["Roots"][0]["Id"]
        self.payer_role_arn = self.payer_role()
        self.names = {self.management: "master"}

    # ------------------------------------------------------------------ clients
    def client(self, service, **kw):
        return self.moto.client(service, key=self.key, secret=self.secret, **kw)

    def in_account(self, account, service):
        """A client acting in `account` (only while the window is open: no role there allows anything yet)."""
        creds = self.moto.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                                    RoleSessionName="setup")["Credentials"]
        return self.moto.client(service, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
                                token=creds["SessionToken"])

    def authorisation_on(self):
        self.moto.unauthenticated(0)

    def authorisation_off(self):
        self.moto.unauthenticated(OPEN)

    # ------------------------------------------------------------------ the customer's side
    def payer_stack(self, **params):
        return Stack(load_template(ROOT / "template.yaml"), {
            **VALID, "VendorAccountId": self.vendor, "ExternalId": EXTERNAL_ID, "OrganizationTargets": self.root,
            **params}, account_id=self.management)

    def payer_role(self):
        """The payer stack's role in the management account: its trust and its core policy as template.yaml renders
        them (the core set grants the Organizations reads the verifier makes)."""
        rendered = self.payer_stack().rendered_resources()
        role = rendered["VendorRole"]["Properties"]
        iam = self.in_account(self.management, "iam")
        iam.create_role(RoleName=role["RoleName"], AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"]))
        core = rendered["CorePolicy"]["Properties"]
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName=core["PolicyName"],
                            PolicyDocument=json.dumps(core["PolicyDocument"]))
        return f"arn:aws:iam::{self.management}:role/{role['RoleName']}"

    def add_account(self, name, role="stack", external_id=EXTERNAL_ID):
        """An account joining the organisation. role="stack": a StackSet instance deploys member-role.yaml into it
        (CreateStack with the StackSet's template and parameters); "iam": the same role made directly (quicker, for
        the scale test); None: no instance (it failed)."""
        account = self.org.create_account(Email=f"{uuid.uuid4().hex[:10]}@example.com",
                                          AccountName=name)["CreateAccountStatus"]["AccountId"]
        self.names[account] = name
        if role == "stack":
            props = self.payer_stack(ExternalId=external_id).rendered_resources()["MemberRoleStackSet"]["Properties"]
            cfn = self.in_account(account, "cloudformation")
            cfn.create_stack(StackName="StackSet-CostLink-MemberRoles-" + uuid.uuid4().hex[:8],
                             TemplateBody=props["TemplateBody"], Parameters=props["Parameters"],
                             Capabilities=props["Capabilities"])
        elif role == "iam":
            self.quick_iam(account).create_role(RoleName=MEMBER_ROLE,
                                                AssumeRolePolicyDocument=self.member_trust(external_id))
        return account

    def quick_iam(self, account):
        """One IAM client for every account, pointed at `account` by moto's x-moto-account-id header (no session to
        make per account: five times quicker for the scale test's thousand roles; only while the window is open)."""
        if not hasattr(self, "_iam"):
            self._iam, self._iam_account = self.moto.client("iam"), {}
            self._iam.meta.events.register("before-send.iam.*", lambda request, **kw: request.headers.__setitem__(
                "x-moto-account-id", self._iam_account["id"]))
        self._iam_account["id"] = account
        return self._iam

    def member_trust(self, external_id):
        """The member role's trust policy as member-role.yaml renders it (rendered once per ExternalId)."""
        cache = self.__dict__.setdefault("_trusts", {})
        if external_id not in cache:
            props = self.payer_stack(ExternalId=external_id).rendered_resources()["VendorRole"]["Properties"]
            cache[external_id] = json.dumps(props["AssumeRolePolicyDocument"])
        return cache[external_id]

    def register_payer(self):
        """The payer connection as the registry records the connection stack's event (connection.organization)."""
        self.payer_key = f"{self.management}#{self.payer_role_arn}"
        organization = {"organizationId": {"S": self.organization_id}, "managementAccountId": {"S": self.management},
                        "deploymentAccount": {"S": "ManagementAccount"}, "stackSetId": {"S": "CostLink-MemberRoles:1"},
                        "targets": {"L": [{"S": self.root}]}, "memberRoleName": {"S": MEMBER_ROLE},
                        "memberPermissionSets": {"L": [{"S": "core"}]}}
        self.client("dynamodb").put_item(TableName=self.tables["ConnectionsTable"], Item={
            "tenant": {"S": self.tenant}, "connection": {"S": self.payer_key}, "status": {"S": "ACTIVE"},
            "accountId": {"S": self.management}, "roleArn": {"S": self.payer_role_arn},
            "registeredAt": {"N": str(int(time.time()) - 86400)},
            "facts": {"M": {"accountType": {"S": "Root"}, "organization": {"M": organization}}}})

    # ------------------------------------------------------------------ the vendor's side
    def env(self):
        return {**{TABLE_ENV[k]: v for k, v in self.tables.items()}, "COSTLINK_TOPIC_ARN": self.topic,
                "COSTLINK_QUEUE_URL": self.queue, "AWS_ENDPOINT_URL": self.moto.endpoint,
                "AWS_ACCESS_KEY_ID": self.key, "AWS_SECRET_ACCESS_KEY": self.secret, "AWS_SESSION_TOKEN": None,
                "COSTLINK_COVERAGE_RECHECK_SECONDS": "1", "COSTLINK_COVERAGE_RECHECKS": "120"}

    def items(self):
        ddb, items, start = self.client("dynamodb"), [], None
        while True:
            page = ddb.query(TableName=self.tables["ConnectionsTable"], KeyConditionExpression="tenant = :t",
                             ExpressionAttributeValues={":t": {"S": self.tenant}},
                             **({"ExclusiveStartKey": start} if start else {}))
            items += page["Items"]
            start = page.get("LastEvaluatedKey")
            if not start:
                return items

    def members(self):
        """{account: (status, account state, health status, {check: result})} of the payer's member connections."""
        out = {}
        for i in self.items():
            if i.get("organizationConnection", {}).get("S") == self.payer_key:
                checks = {c["M"]["name"]["S"]: c["M"]["result"]["S"] for c in i.get("healthChecks", {}).get("L", [])}
                out[i["accountId"]["S"]] = (i["status"]["S"], i["organizationAccountState"]["S"],
                                            i.get("healthStatus", {}).get("S"), checks)
        return out

    def payer(self):
        return next(i for i in self.items() if i["connection"]["S"] == self.payer_key)

    def coverage(self):
        c = self.payer()["coverage"]["M"]
        return {"covered": int(c["covered"]["N"]), "accounts": int(c["accounts"]["N"]), "result": c["result"]["S"],
                "detail": c["detail"]["S"],
                "notConnected": [(e["M"]["accountId"]["S"], e["M"]["reason"]["S"]) for e in c["notConnected"]["L"]],
                "suspended": [(e["M"]["accountId"]["S"], e["M"]["reason"]["S"]) for e in c["suspended"]["L"]],
                "pending": "pending" in c}

    # The health topic read through its SQS subscription, as test_verifier's world reads it (same attribute names).
    alerts_received = World.alerts_received

    def run(self, scheduler, worker, as_of):
        """One scheduled run: the scheduler queues the active connections as of `as_of`, then the queue is fed to
        the worker ten messages at a time (Lambda's SQS event source) until nothing is left, delayed messages
        included. Returns (messages handled, worker invocations)."""
        event = json.loads((ROOT / "events" / "verifier-schedule.json").read_text())
        event["time"] = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
        scheduled = scheduler.invoke(event)
        assert not scheduled.function_error, scheduled.payload
        sqs, handled, invocations = self.client("sqs"), 0, 0
        while True:
            msgs = sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            if not msgs:
                counts = sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=[
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
                    "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
                if all(int(v) == 0 for v in counts.values()):
                    return handled, invocations
                continue
            records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "eventSource": "aws:sqs",
                        "body": m["Body"]} for m in msgs]
            invocation = worker.invoke({"Records": records})
            invocations += 1
            assert not invocation.function_error, invocation.payload[-2000:]
            assert invocation.json() == {"batchItemFailures": []}, "\n".join(
                json.dumps(line) for line in worker.json_logs() if line.get("level") == "ERROR")[-4000:]
            sqs.delete_message_batch(QueueUrl=self.queue, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
            handled += len(msgs)

    def stop(self):
        self.moto.stop()


def functions(org):
    schedule = FunctionSpec.from_template("VerifierScheduleFunction", ROOT / "vendor.yaml")
    work = FunctionSpec.from_template("VerifierWorkerFunction", ROOT / "vendor.yaml")
    return (LambdaRunner(schedule, code_dir=VENDOR_BUILD / "VerifierScheduleFunction", env=org.env()),
            LambdaRunner(work, code_dir=VENDOR_BUILD / "VerifierWorkerFunction", env=org.env()))


def hours_from_now(h):
    return datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=h)


# ---------------------------------------------------------------------------------------------- the emulator itself
def test_the_emulator_judges_cross_account_trust_as_sts_does():
    """Plain moto lets a role of another account be assumed whatever its trust says; the patched server refuses a
    wrong ExternalId, another account's principal and a missing role, and takes an account-root principal as every
    identity of that account (STS's rules). If plain moto ever refuses the wrong ExternalId, the patch can go."""
    outcomes = {}
    for patched in (False, True):
        moto = MotoServer(unauthenticated_calls=OPEN, cross_account_trust=patched).start()
        try:
            iam = moto.client("iam")
            iam.create_user(UserName="verifier")
            iam.put_user_policy(UserName="verifier", PolicyName="all", PolicyDocument=ADMIN)
            key = iam.create_access_key(UserName="verifier")["AccessKey"]
            creds = moto.client("sts").assume_role(RoleArn="arn:aws:iam::210987654321:role/Setup",
                                                   RoleSessionName="setup")["Credentials"]
            other = moto.client("iam", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
                                token=creds["SessionToken"])
            for name, principal in (("Root", "arn:aws:iam::123456789012:root"),
                                    ("User", "arn:aws:iam::123456789012:user/verifier"),
                                    ("Elsewhere", "arn:aws:iam::999988887777:root")):
                other.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
                    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
                                                            "Action": "sts:AssumeRole", "Condition": {"StringEquals": {
                                                                "sts:ExternalId": "right"}}}]}))
            moto.unauthenticated(0)
            sts = moto.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
            for role, external_id in (("Root", "right"), ("Root", "wrong"), ("User", "right"), ("User", "wrong"),
                                      ("Elsewhere", "right"), ("Missing", "right")):
                try:
                    sts.assume_role(RoleArn=f"arn:aws:iam::210987654321:role/{role}", RoleSessionName="verifier",
                                    ExternalId=external_id)
                    outcomes[(patched, role, external_id)] = "allowed"
                except sts.exceptions.ClientError as e:
                    outcomes[(patched, role, external_id)] = e.response["Error"]["Code"]
        finally:
            moto.stop()
    assert {k[1:]: v for k, v in outcomes.items() if not k[0]} == {
        ("Root", "right"): "allowed", ("Root", "wrong"): "allowed", ("User", "right"): "allowed",
        ("User", "wrong"): "allowed", ("Elsewhere", "right"): "allowed", ("Missing", "right"): "allowed"}
    assert {k[1:]: v for k, v in outcomes.items() if k[0]} == {
        ("Root", "right"): "allowed", ("Root", "wrong"): "AccessDenied", ("User", "right"): "allowed",
        ("User", "wrong"): "AccessDenied", ("Elsewhere", "right"): "AccessDenied",
        ("Missing", "right"): "AccessDenied"}


# ---------------------------------------------------------------------------------------------- a small organisation
@pytest.fixture(scope="module")
def small(vendor_built):
    org = Organisation()
    org.good = [org.add_account(name) for name in ("Prod", "Dev", "Data", "Shared")]
    org.wrong = org.add_account("Sandbox", external_id="cl-another-tenants-external-id")
    org.suspended = org.add_account("Old")
    org.org.close_account(AccountId=org.suspended)
    org.register_payer()
    org.authorisation_on()
    scheduler, worker = functions(org)
    scheduler.start()
    worker.start()
    yield org, scheduler, worker
    scheduler.stop()
    worker.stop()
    org.stop()


def test_every_account_of_a_six_account_organisation_is_reported(small):
    org, scheduler, worker = small
    t0 = time.monotonic()
    handled, invocations = org.run(scheduler, worker, hours_from_now(0))
    seconds = time.monotonic() - t0
    print(f"\nsmall organisation, first run: {handled} messages in {invocations} worker invocations, {seconds:.1f} s")

    members = org.members()
    assert members == {
        **{a: ("ACTIVE", "ACTIVE", "HEALTHY", {"assume-role": "PASS"}) for a in org.good},
        org.wrong: ("ACTIVE", "ACTIVE", "UNHEALTHY", {"assume-role": "FAIL"}),
        org.suspended: ("REVOKED", "SUSPENDED", None, {}),
    }, "one member per account but the management account, which no StackSet instance reaches"
    for i in org.items():
        if i.get("organizationConnection"):
            role = f"arn:aws:iam::{i['accountId']['S']}:role/{MEMBER_ROLE}"
            assert i["connection"]["S"] == f"{i['accountId']['S']}#{role}" and i["roleArn"]["S"] == role
            assert i["connectionId"]["S"] == f"costlink-{i['accountId']['S']}-" + hashlib.sha256(
                role.encode()).hexdigest()[:16]
            assert i["accountName"]["S"] == org.names[i["accountId"]["S"]]
    # 4 members and the management account (through the payer's own role) of 6 active accounts.
    coverage = org.coverage()
    assert (coverage["covered"], coverage["accounts"], coverage["result"]) == (5, 6, "WARN")
    assert coverage["notConnected"] == [(org.wrong, "assume-role")]
    assert coverage["suspended"] == [(org.suspended, "SUSPENDED")]
    assert not coverage["pending"]
    detail = coverage["detail"]
    assert detail.startswith("5 of 6 active accounts in the organisation's targets are connected (the management "
                             f"account {org.management} through the payer connection's own role).")
    assert f"cannot be assumed (1): {org.wrong} (Sandbox)." in detail and "ExternalId" in detail
    assert "StackSets > CostLink-MemberRoles:1 > Stack instances" in detail
    assert f"Ignored (not active in the organisation) 1: {org.suspended} (Old, suspended)." in detail

    # One event for the payer connection, one for its organisation; none per member.
    alerts = org.alerts_received()
    by_type = {a["message"]["type"]: a for a in alerts}
    assert len(alerts) == 2 and set(by_type) == {"connection.health", "organization.coverage"}, alerts
    assert by_type["connection.health"]["message"]["accountId"] == org.management
    event = by_type["organization.coverage"]
    assert event["attributes"] == {"status": "DEGRADED", "accountId": org.management, "failedChecks": "none"}
    assert event["subject"] == f"CostLink org DEGRADED: Acme Holdings payer {org.management} (5/6 connected; first check)"
    assert 0 < len(event["subject"]) < 100
    message = event["message"]
    assert (message["covered"], message["accounts"], message["organizationId"]) == (5, 6, org.organization_id)
    assert message["notConnected"] == [{"accountId": org.wrong, "name": "Sandbox", "reason": "assume-role"}]
    assert message["suspended"] == [{"accountId": org.suspended, "name": "Old", "reason": "SUSPENDED"}]
    assert message["checks"] == [{"name": "organization-coverage", "result": "WARN", "detail": detail}]


def test_an_account_that_joins_is_connected_on_the_next_run_without_an_alert(small):
    org, scheduler, worker = small
    org.authorisation_off()
    try:
        joined = org.add_account("Analytics")
    finally:
        org.authorisation_on()
    before = org.members()
    handled, _ = org.run(scheduler, worker, hours_from_now(1))
    members = org.members()
    assert members[joined] == ("ACTIVE", "ACTIVE", "HEALTHY", {"assume-role": "PASS"})
    assert {a: m for a, m in members.items() if a != joined} == before
    coverage = org.coverage()
    assert (coverage["covered"], coverage["accounts"], coverage["result"]) == (6, 7, "WARN")
    assert coverage["notConnected"] == [(org.wrong, "assume-role")]
    # Nothing changed for the worse or the better: same status, same accounts not connected, no event.
    assert org.alerts_received() == []


def test_a_fixed_member_and_a_departed_account_change_the_coverage_once(small):
    org, scheduler, worker = small
    org.authorisation_off()
    try:
        # The Sandbox's instance is updated with the tenant's ExternalId; the Data account leaves the organisation.
        iam = org.in_account(org.wrong, "iam")
        trust = org.payer_stack().rendered_resources()["VendorRole"]["Properties"]["AssumeRolePolicyDocument"]
        iam.update_assume_role_policy(RoleName=MEMBER_ROLE, PolicyDocument=json.dumps(trust))
        departed = org.good[2]
        org.org.remove_account_from_organization(AccountId=departed)
    finally:
        org.authorisation_on()
    org.run(scheduler, worker, hours_from_now(2))
    members = org.members()
    assert members[org.wrong] == ("ACTIVE", "ACTIVE", "HEALTHY", {"assume-role": "PASS"})
    assert members[departed][:2] == ("REVOKED", "LEFT")
    coverage = org.coverage()
    assert (coverage["covered"], coverage["accounts"], coverage["result"]) == (6, 6, "PASS")
    [event] = org.alerts_received()
    assert event["message"]["type"] == "organization.coverage"
    assert (event["attributes"]["status"], event["message"]["previousStatus"]) == ("HEALTHY", "DEGRADED")
    assert event["subject"].endswith("(6/6 connected; was DEGRADED)")
    org.run(scheduler, worker, hours_from_now(3))
    assert org.alerts_received() == [], "recovered once"


def test_the_events_file_of_organisation_messages_is_a_batch_the_worker_takes(small):
    # A member change and a coverage (the payer's run sends both): their payer is not in this registry, so the
    # activation is refused by its guard and the coverage skipped; neither is a batch failure.
    org, scheduler, worker = small
    before = org.items()
    batch = json.loads((ROOT / "events" / "verifier-organization-batch.json").read_text())
    result = worker.invoke(batch).json()
    assert result == {"batchItemFailures": []}
    assert org.items() == before
    # The worker handles a batch's messages side by side: each message's outcome, by its id (the last run's line).
    outcomes = {line["messageId"]: line.get("outcome") for line in worker.json_logs()
                if line.get("message") == "verification handled"}
    assert [outcomes.get(r["messageId"]) for r in batch["Records"]] == ["PAYER_GONE", "INACTIVE"]
    # Unreadable organisation messages fail alone, for SQS to redeliver and then dead-letter; none is quoted.
    member, coverage = (json.loads(r["body"]) for r in batch["Records"])
    bad = {"m-task": {**member, "task": "organization-secret-ish"},
           "m-account": {**member, "account": {"id": "cl-secret-ish", "state": "ACTIVE"}},
           "m-key": {**member, "member": "999999999999#" + member["roleArn"]},
           "m-listing": {**coverage, "listing": "cl-secret-ish"}}
    batch["Records"] += [{**batch["Records"][0], "messageId": k, "body": json.dumps(v)} for k, v in bad.items()]
    result = worker.invoke(batch).json()
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == list(bad)
    assert "secret-ish" not in worker.logs()


def test_ou_targets_cover_their_accounts_and_those_of_the_ous_below(small):
    """The stack updated to target one OU: its accounts and those of its child OU stay members, the others depart
    (REVOKED, LEFT), and the management account, outside the targets, is not counted. Quietly: all connected."""
    org, scheduler, worker = small
    prod, dev = org.good[0], org.good[1]
    org.authorisation_off()
    try:
        unit = org.org.create_organizational_unit(ParentId=org.root, Name="Workloads")["OrganizationalUnit"]["Id"]
        child = org.org.create_organizational_unit(ParentId=unit, Name="EU")["OrganizationalUnit"]["Id"]
        org.org.move_account(AccountId=prod, SourceParentId=org.root, DestinationParentId=unit)
        org.org.move_account(AccountId=dev, SourceParentId=org.root, DestinationParentId=child)
    finally:
        org.authorisation_on()
    org.client("dynamodb").update_item(
        TableName=org.tables["ConnectionsTable"], Key={"tenant": {"S": org.tenant}, "connection": {"S": org.payer_key}},
        UpdateExpression="SET facts.#o.targets = :t", ExpressionAttributeNames={"#o": "organization"},
        ExpressionAttributeValues={":t": {"L": [{"S": unit}]}})
    org.run(scheduler, worker, hours_from_now(3.5))
    members = org.members()
    assert {a for a, m in members.items() if m[0] == "ACTIVE"} == {prod, dev}
    assert all(m[:2] == ("REVOKED", "LEFT") for a, m in members.items() if a not in (prod, dev, org.suspended))
    coverage = org.coverage()
    assert (coverage["covered"], coverage["accounts"], coverage["result"]) == (2, 2, "PASS")
    assert coverage["suspended"] == [], "the suspended account is outside the targets now"
    assert org.alerts_received() == []


def test_a_payer_role_that_may_not_list_the_organisation_fails_the_coverage_and_keeps_the_members(small):
    org, scheduler, worker = small
    role = org.payer_role_arn.rsplit("/", 1)[1]
    core = org.payer_stack().rendered_resources()["CorePolicy"]["Properties"]
    before = org.members()
    org.authorisation_off()
    try:
        org.in_account(org.management, "iam").delete_role_policy(RoleName=role, PolicyName=core["PolicyName"])
    finally:
        org.authorisation_on()
    org.run(scheduler, worker, hours_from_now(4))
    assert org.members() == before, "a listing that failed changes no member; the members were still verified"
    coverage = org.coverage()
    assert (coverage["covered"], coverage["accounts"], coverage["result"]) == (2, 2, "FAIL")
    assert "could not be listed in this run: the payer role may not list the organisation's accounts" in \
        coverage["detail"]
    [event] = org.alerts_received()
    assert (event["message"]["type"], event["attributes"]["status"], event["attributes"]["failedChecks"]) == (
        "organization.coverage", "UNHEALTHY", "organization-coverage")


# ---------------------------------------------------------------------------------------------- at scale
def test_an_organisation_of_a_thousand_accounts_is_fanned_out_and_verified_in_one_run(vendor_built):
    """1,000 member accounts (their roles made with IAM directly: what CloudFormation makes, without its time), three
    of them without a role (their StackSet instance failed). One run: the scheduler queues the payer, the payer's run
    lists the organisation (50 pages of ListAccounts) and queues every new member in batches of ten, the workers verify
    them all, and the coverage waits for the last one."""
    org = Organisation(tenant_name="Globex")
    try:
        t0 = time.monotonic()
        failed = set()
        for i in range(1000):
            account = org.add_account(f"Account {i:04d}", role=None if i % 400 == 7 else "iam")
            if i % 400 == 7:
                failed.add(account)
        org.register_payer()
        org.authorisation_on()
        setup = time.monotonic() - t0
        scheduler, worker = functions(org)
        with scheduler, worker:
            t1 = time.monotonic()
            as_of = hours_from_now(0)
            handled, invocations = org.run(scheduler, worker, as_of)
            seconds = time.monotonic() - t1
            logs = worker.json_logs()
        print(f"\n1,000-account organisation: setup {setup:.0f} s; one run: {handled} messages in {invocations} worker "
              f"invocations, {seconds:.0f} s")
        members = org.members()
        assert len(members) == 1000
        assert {a for a, m in members.items() if m[2] == "UNHEALTHY"} == failed
        assert all(m[:3] == ("ACTIVE", "ACTIVE", "HEALTHY") for a, m in members.items() if a not in failed)
        checked = [int(i["healthCheckedAt"]["N"]) for i in org.items() if i.get("organizationConnection")]
        assert len(checked) == 1000 and min(checked) == int(as_of.timestamp()), "every member verified in this run"
        coverage = org.coverage()
        assert (coverage["covered"], coverage["accounts"], coverage["result"]) == (998, 1001, "WARN")
        assert sorted(a for a, _ in coverage["notConnected"]) == sorted(failed)
        # payer + 1,000 member activations (each verified in its message) + the coverage and its waits: all through
        # the one queue, ten per invocation.
        waits = sum(1 for line in logs if line.get("message") == "coverage waits for members")
        assert handled == 1 + 1000 + 1 + waits
        listed = [line for line in logs if line.get("message") == "organisation listed"]
        assert [(r["accounts"], r["activate"]) for r in listed] == [(1001, 1000)]
        alerts = org.alerts_received()
        assert sorted(a["message"]["type"] for a in alerts) == ["connection.health", "organization.coverage"]
    finally:
        org.stop()
