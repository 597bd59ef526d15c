"""The local CloudFormation deploys template.yaml and vendor.yaml into the local AWS (moto with IAM authorisation, the
exports emulators, the local Lambda service) as CloudFormation would, and the events reach the functions as the
deployed configuration says. One local AWS for the module; each scenario is deployed, checked and deleted in turn."""
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT
from costlink_tools.demo import create_organisation, existing_billing_setup
from costlink_tools.local_cloud import CUSTOMER, VENDOR, LocalCloud
from costlink_tools.local_cloud.resources import DeployError
from costlink_tools.plan import build_stack, parse_args
from costlink_tools.tenant import new_external_id, tenant_item

TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(scope="module")
def cloud(sam_built, vendor_built):
    with LocalCloud() as c:
        yield c


@pytest.fixture(scope="module")
def vendor(cloud):
    return cloud.cloudformation.deploy(ROOT / "vendor.yaml", "CostLink-Vendor", {}, VENDOR)


@pytest.fixture(scope="module")
def external_id(cloud, vendor):
    """A tenant of the vendor's registry (what `costlink tenant create` stores)."""
    secret = new_external_id()
    cloud.aws.client("dynamodb", VENDOR).put_item(TableName=vendor.outputs["TenantsTableName"],
                                                  Item=tenant_item(secret, "Acme Corp", 1795330000))
    return secret


@pytest.fixture(scope="module")
def organisation(cloud):
    return create_organisation(cloud, CUSTOMER)


def plan_for(scenario, vendor, external_id, organisation=None):
    """`./costlink plan` for the scenario, with this vendor's account, tenant and registry URL."""
    bucket = f"acme-{scenario.lower()}"
    argv = ["--bucket", bucket, "--param", f"VendorAccountId={VENDOR}", "--param", f"ExternalId={external_id}",
            "--param", f"CallbackUrl={vendor.outputs['RegistryUrl']}"]
    if scenario == "Organization":
        argv += ["--scenario", "NewBucketNewExport", "--carbon", "--org-targets", organisation["ou"]]
    elif scenario == "CUR1AndFocus":
        argv += ["--scenario", "NewBucketNewExport", "--cur-version", "CUR1", "--focus"]
    else:
        argv += ["--scenario", scenario] + (["--carbon"] if scenario != "LinkedAccount" else [])
    stack = build_stack(parse_args(argv))
    assert stack.validation_errors() == []
    return stack, bucket


def test_the_vendor_stack_is_what_the_template_declares(cloud, vendor):
    assert vendor.status == "CREATE_COMPLETE"
    assert all(cloud.cloudformation.exists(vendor, r) for r in vendor.resources.values())
    assert vendor.outputs["RegistryUrl"].startswith("https://127.0.0.1:")
    # The worker's mapping and thresholds come from the template, resolved: nothing is set by hand.
    worker = cloud.lambdas.function(vendor.resources["VerifierWorkerFunction"].attributes["Arn"])
    assert worker.spec.environment["COSTLINK_CUR_ALERT_HOURS"] == "48"
    assert worker.spec.environment["COSTLINK_TOPIC_ARN"] == vendor.outputs["HealthTopicArn"]
    [mapping] = [m for m in cloud.lambdas.mappings.values() if m.function is worker]
    assert (mapping.batch_size, mapping.report_batch_item_failures) == (50, True)
    assert worker.spec.environment["COSTLINK_WORKER_CONCURRENCY"] == "16"


@pytest.mark.parametrize("scenario", ["NewBucketNewExport", "ExistingBucketNewExport", "ExistingBucketExistingExport",
                                      "LinkedAccount", "Organization", "CUR1AndFocus"])
def test_a_scenario_creates_what_plan_lists_and_delete_removes_it(cloud, vendor, external_id, organisation, scenario):
    stack, bucket = plan_for(scenario, vendor, external_id, organisation)
    if scenario.startswith("ExistingBucket"):
        existing_billing_setup(cloud, CUSTOMER, bucket, with_exports=False)
    planned = {name: res["Type"] for name, res in stack.rendered_resources().items()}
    record = cloud.cloudformation.deploy(TEMPLATE, f"CostLink-{scenario}", stack.parameters, CUSTOMER)

    deployed = {r.logical_id: r.type for r in record.resources.values()}
    # What plan lists, as the SAM transform names it (a Serverless::Function is a Lambda::Function)...
    assert {n: t for n, t in deployed.items() if n in planned} == \
        {n: "AWS::Lambda::Function" if t == "AWS::Serverless::Function" else t for n, t in planned.items()}
    # ...and nothing else but what SAM generates from those functions' Events, URL and invoke configuration.
    functions = [n for n, t in planned.items() if t == "AWS::Serverless::Function"]
    assert all(any(extra.startswith(f) for f in functions) for extra in set(deployed) - set(planned))
    assert set(record.outputs) == set(stack.outputs())
    assert all(cloud.cloudformation.exists(record, r) for r in record.resources.values())
    assert record.outputs["CallbackStatus"] == "DELIVERED"
    if scenario == "Organization":
        instances = record.resources["MemberRoleStackSet"].attributes["Accounts"]
        assert instances == sorted(organisation["members"])
        sts = cloud.aws.client("sts", VENDOR, "lambda")
        for account in instances:
            sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{record.outputs['MemberRoleName']}",
                            RoleSessionName="member-check", ExternalId=external_id)

    cloud.cloudformation.delete(f"CostLink-{scenario}", CUSTOMER)
    for res in record.resources.values():
        assert cloud.cloudformation.exists(record, res) == res.retain, res.logical_id
    assert sorted(record.retained) == (["BillingBucket", "BillingBucketPolicy"]
                                       if scenario in ("NewBucketNewExport", "Organization", "CUR1AndFocus") else [])


def test_a_failing_rule_refuses_the_deployment_with_the_templates_message(cloud, vendor, external_id):
    stack, _ = plan_for("LinkedAccount", vendor, external_id)
    with pytest.raises(DeployError) as refused:
        cloud.cloudformation.deploy(TEMPLATE, "CostLink-Refused", {**stack.parameters, "AccountType": "Root"},
                                    CUSTOMER)
    assert "ScenarioMatchesAccountType: AccountType and DeploymentScenario disagree" in str(refused.value)
    assert "RootAccountNeedsBucketName: BucketName is required for a Root account" in str(refused.value)
    assert "CostLink-Refused" not in {s for _, s in cloud.cloudformation.stacks}
    roles = {r["RoleName"] for r in cloud.aws.client("iam", CUSTOMER).list_roles()["Roles"]}
    assert not any(r.startswith("CostLink-Refused") for r in roles)


def test_a_number_parameter_out_of_range_is_refused(cloud):
    with pytest.raises(DeployError, match="Parameter 'WorkerMaxConcurrency' must be a number not less than 2"):
        cloud.cloudformation.deploy(ROOT / "vendor.yaml", "Vendor-Refused", {"WorkerMaxConcurrency": "1"}, VENDOR)


def test_an_unsupported_resource_type_or_property_is_an_error_naming_it(cloud, tmp_path):
    template = tmp_path / "other.yaml"
    template.write_text("Resources:\n  Network:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n")
    with pytest.raises(DeployError, match="resource type AWS::EC2::VPC is not supported"):
        cloud.cloudformation.deploy(template, "Other", {}, CUSTOMER)
    template.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {FifoQueue: true}\n")
    with pytest.raises(DeployError, match="Q \\(AWS::SQS::Queue\\): property FifoQueue is not supported"):
        cloud.cloudformation.deploy(template, "Other", {}, CUSTOMER)


def test_a_failed_custom_resource_fails_the_deployment_and_rolls_it_back(cloud, vendor):
    """An ExternalId the vendor does not know: the registry answers 404, the callback answers FAILED with the
    vendor's message, CloudFormation rolls back and sends the custom resource its Delete."""
    stack, _ = plan_for("LinkedAccount", vendor, "cl-" + "x" * 43)
    with pytest.raises(DeployError) as failed:
        cloud.cloudformation.deploy(TEMPLATE, "CostLink-Unknown", stack.parameters, CUSTOMER)
    assert "Received response status [FAILED] from custom resource" in str(failed.value)
    assert "vendor rejected the event (HTTP 404)" in str(failed.value)
    roles = {r["RoleName"] for r in cloud.aws.client("iam", CUSTOMER).list_roles()["Roles"]}
    assert "CostLink-ReadAccess" not in roles


class TestEvents:
    """Events as the deployed configuration routes them."""

    @pytest.fixture(scope="class")
    @classmethod
    def connection(cls, cloud, vendor, external_id):
        stack, bucket = plan_for("NewBucketNewExport", vendor, external_id)
        record = cloud.cloudformation.deploy(TEMPLATE, "CostLink-Events", {**stack.parameters,
                                                                         "BucketName": "acme-events"}, CUSTOMER)
        yield record
        cloud.cloudformation.delete("CostLink-Events", CUSTOMER)

    def test_an_object_reaches_the_detector_only_if_the_notification_filters_match_it(self, cloud, connection):
        s3 = cloud.aws.client("s3", CUSTOMER)
        before = len(cloud.s3_events.routed)
        keys = ["reports/cur2/x/data/BILLING_PERIOD=2026-05/x-00001.snappy.parquet",  # a data file: no
                "elsewhere/x-Manifest.json",  # outside reports/: no
                "reports/cur2/x/metadata/BILLING_PERIOD=2026-05/x-Manifest.json"]  # a manifest: yes
        for key in keys:
            s3.put_object(Bucket="acme-events", Key=key, Body=b"{}")
        assert cloud.settle()
        routed = {r["key"]: r["functions"] for r in cloud.s3_events.routed[before:]}
        assert routed == {keys[0]: [], keys[1]: [], keys[2]: ["DeliveryDetectorFunction"]}

    def test_only_the_failed_messages_of_a_batch_stay_in_the_queue(self, cloud, vendor):
        sqs = cloud.aws.client("sqs", VENDOR)
        queue = vendor.resources["VerificationQueue"].physical_id
        bodies = [json.dumps({"tenant": "f" * 64, "connection": "gone", "asOf": "2026-11-22T10:00:00Z"}),
                  "{not json", json.dumps({"tenant": "e" * 64, "connection": "gone", "asOf": "2026-11-22T10:00:00Z"})]
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": b}
                                                        for i, b in enumerate(bodies)])
        assert cloud.settle()
        attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        assert (attrs["ApproximateNumberOfMessages"], attrs["ApproximateNumberOfMessagesNotVisible"]) == ("0", "1")

    def test_the_schedule_tick_reaches_the_scheduler(self, cloud, vendor):
        from datetime import datetime, timezone
        before = len(cloud.lambdas.invocations)
        assert cloud.bridge.tick(VENDOR, datetime(2026, 11, 22, 10, tzinfo=timezone.utc)) == \
            ["VerifierScheduleFunction"]
        assert cloud.settle()
        [run] = [i for i in cloud.lambdas.invocations[before:] if i["function"] == "VerifierScheduleFunction"]
        assert json.loads(run["payload"])["asOf"] == "2026-11-22T10:00:00Z"


def test_the_function_url_serves_concurrent_requests_from_several_environments(cloud, vendor):
    """Six requests at once: each takes an execution environment of its own, up to the pool's bound (the function's
    reserved concurrency, capped locally), the others wait for a free one; every request is answered."""
    function = cloud.lambdas.function(vendor.resources["RegistryFunction"].attributes["Arn"])
    context = cloud.tls.client_context()

    def post(i):
        request = urllib.request.Request(vendor.outputs["RegistryUrl"], data=b'{"type":"connection.created"}',
                                         method="POST", headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=120, context=context)
        except urllib.error.HTTPError as e:
            return e.code
        return 200

    # From no warm environment: the first request's cold start (about a second) outlasts the arrival of the others,
    # so the burst overlaps however fast the function refuses each request.
    function.pool.retire_idle()
    cold_before = function.pool.cold_starts
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(post, range(6)))
    # No Idempotency-Key (checked before the proof of origin): every one reached the function and was refused by it.
    assert statuses == [400] * 6, function.pool.logs()[-4000:]
    assert 1 < function.pool.busy_peak <= function.pool.size
    assert function.pool.environments() <= function.pool.size
    assert function.pool.cold_starts - cold_before >= 1


def test_costlink_local_deploys_and_deletes_through_the_command(vendor_built, tmp_path):
    """The command a person runs: the local AWS starts in the background, a deployment streams its progress, a
    failing Rule is refused with the template's message, delete keeps what is retained, down stops it all."""
    import os
    import subprocess
    env = {**os.environ, "COSTLINK_LOCAL_STATE_DIR": str(tmp_path)}

    def local(*args):
        return subprocess.run([str(ROOT / "costlink"), "local", *args], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=600)

    try:
        deployed = local("deploy", "vendor.yaml")
        assert deployed.returncode == 0, deployed.stderr
        assert "CREATE_COMPLETE AWS::Lambda::Url" in deployed.stdout
        assert "CostLink-Vendor: CREATE_COMPLETE in account 999988887777" in deployed.stdout
        stacks = json.loads(local("stacks").stdout)["stacks"]
        assert [s["name"] for s in stacks] == ["CostLink-Vendor"]
        assert stacks[0]["outputs"]["RegistryUrl"].startswith("https://127.0.0.1:")
        refused = local("deploy", "template.yaml", "--parameter-overrides", "VendorAccountId=999988887777",
                        "ExternalId=cl-abc", f"CallbackUrl={stacks[0]['outputs']['RegistryUrl']}")
        assert refused.returncode == 1
        assert "RootAccountNeedsBucketName: BucketName is required for a Root account" in refused.stderr
        deleted = local("delete", "vendor.yaml")
        assert deleted.returncode == 0, deleted.stderr
        [retained] = [line for line in deleted.stdout.splitlines() if line.strip().startswith("retained: ")]
        assert set(retained.split(": ", 1)[1].split(", ")) == {"TenantsTable", "ConnectionsTable", "DeliveriesTable",
                                                               "EventsTable"}
        exports = local("env", "--account", "vendor").stdout
        assert "AWS_ENDPOINT_URL=https://127.0.0.1:" in exports and "AWS_CA_BUNDLE=" in exports
    finally:
        assert local("down").returncode == 0
    assert local("stacks").returncode == 1  # nothing runs any more
