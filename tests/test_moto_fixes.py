"""moto as shipped, and moto with the local cloud's corrections (tools/costlink_tools/local_cloud/moto_fixes.py, which
builds on costlink_tools/moto_sts_trust.py), side by side: what stock moto lets through, and that the corrected one
judges it as AWS does (docs/emulator-notes.md). If a moto upgrade fixes a point, its `stock` test fails: then the
correction can go."""
import json

import pytest
from botocore.exceptions import ClientError

from costlink_tools.local_cloud.aws import LocalAws
from costlink_tools.local_cloud.moto_fixes import transport_conditions_hold
from costlink_tools.local_cloud.tls import LocalTls

VENDOR, CUSTOMER, STRANGER = "999988887777", "012345678912", "444455556666"
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": "the-tenants-id"}}}]}
TLS_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::{b}", "arn:aws:s3:::{b}/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::{b}", "arn:aws:s3:::{b}/*"],
     "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}]}


@pytest.fixture(scope="module")
def tls():
    return LocalTls.create()


@pytest.fixture(scope="module", params=["stock", "corrected"])
def aws(request, tls):
    module = "moto.server" if request.param == "stock" else "costlink_tools.local_cloud.moto_fixes"
    local = LocalAws(tls=tls, moto_module=module).start()
    local.kind = request.param
    role = local.client("iam", CUSTOMER).create_role(RoleName="CostLink-ReadAccess",
                                                     AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    local.role = role
    yield local
    local.stop()


def assume(aws, account, **kw):
    try:
        aws.client("sts", account, "lambda").assume_role(RoleArn=aws.role, RoleSessionName="check", **kw)
        return "allowed"
    except ClientError as e:
        return e.response["Error"]["Code"]


def test_the_vendor_with_the_tenants_external_id_is_let_in(aws):
    assert assume(aws, VENDOR, ExternalId="the-tenants-id") == "allowed"


def test_a_wrong_or_missing_external_id_and_another_account(aws):
    outcomes = [assume(aws, VENDOR, ExternalId="someone-elses"), assume(aws, VENDOR),
                assume(aws, STRANGER, ExternalId="the-tenants-id")]
    if aws.kind == "stock":
        assert outcomes == ["allowed", "allowed", "allowed"]  # the trust policy of another account is never read
    else:
        assert outcomes == ["AccessDenied", "AccessDenied", "AccessDenied"]


def test_tls_only_bucket_policy_over_https(aws):
    s3 = aws.client("s3", CUSTOMER)
    bucket = f"tls-only-{aws.kind}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(TLS_ONLY).replace("{b}", bucket))
    try:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        outcome = "allowed"
    except ClientError as e:
        outcome = e.response["Error"]["Code"]
    # Stock moto ignores the conditions: its Deny refuses even a request over TLS 1.2+.
    assert outcome == ("403" if aws.kind == "stock" else "allowed")


def test_eventbridge_configuration_is_returned(aws):
    s3 = aws.client("s3", CUSTOMER)
    bucket = f"eventbridge-{aws.kind}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    returned = "EventBridgeConfiguration" in s3.get_bucket_notification_configuration(Bucket=bucket)
    assert returned == (aws.kind == "corrected")


def test_transport_conditions_as_aws_judges_them():
    insecure, old_tls = TLS_ONLY["Statement"]
    assert not transport_conditions_hold(insecure, secure=True)  # over TLS the Deny does not apply
    assert transport_conditions_hold(insecure, secure=False)
    assert not transport_conditions_hold(old_tls, secure=True)  # TLS 1.2 or later
    assert transport_conditions_hold({"Effect": "Deny", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}},
                                     secure=True)  # left to moto


@pytest.mark.parametrize("aws", ["corrected"], indirect=True)
def test_concurrent_dynamodb_transactions(aws):
    """Writers side by side, as the verifier's worker writes (docs/emulator-notes.md): stock moto answers some
    TransactWriteItems with HTTP 500 (its rollback copy of the tables races the other threads' writes), often but not
    every time, so only the corrected server, which takes DynamoDB requests one at a time, is held to every answer
    (stock moto is not run here: a race that fails only sometimes proves nothing either way)."""
    import threading

    import boto3
    import botocore.config

    who = aws.identity(CUSTOMER, "admin")
    ddb = boto3.session.Session().client(
        "dynamodb", endpoint_url=aws.service_endpoint("dynamodb"), region_name="us-east-1", aws_access_key_id=who.key,
        aws_secret_access_key=who.secret, verify=str(aws.tls.cert) if aws.tls else None,
        config=botocore.config.Config(retries={"max_attempts": 1}, max_pool_connections=16))
    table = f"concurrent-{aws.kind}"
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    ddb.put_item(TableName=table, Item={"k": {"S": "payer"}, "status": {"S": "ACTIVE"}})
    codes = []

    def writer(i):
        for j in range(25):
            try:
                ddb.transact_write_items(TransactItems=[
                    {"ConditionCheck": {"TableName": table, "Key": {"k": {"S": "payer"}},
                                        "ConditionExpression": "#s = :a", "ExpressionAttributeNames": {"#s": "status"},
                                        "ExpressionAttributeValues": {":a": {"S": "ACTIVE"}}}},
                    {"Put": {"TableName": table, "Item": {"k": {"S": f"member-{i}-{j}"}}}}])
                codes.append(200)
            except ClientError as e:
                codes.append(e.response["ResponseMetadata"]["HTTPStatusCode"])

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(codes) == {200}
    assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 1 + 12 * 25
