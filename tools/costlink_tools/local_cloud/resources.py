"""What the local CloudFormation does for each resource type: the emulator API calls that create, delete and find it.

Every handler names the properties it understands; a property it does not is an error naming it (never ignored), and
so is a resource type without a handler. Property shapes are CloudFormation's; each handler translates them to the
service API's (NotificationConfiguration's LambdaConfigurations become LambdaFunctionConfigurations, and so on).
"""
from __future__ import annotations

import json
import random
import string
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ..lambda_runner import FunctionSpec
from .aws import REGION


class DeployError(Exception):
    """The deployment cannot go on; the message is what CloudFormation would show in the stack's events."""


@dataclass
class Created:
    physical_id: str
    attributes: dict = field(default_factory=dict)


def _policy(doc) -> str:
    return doc if isinstance(doc, str) else json.dumps(doc)


def _tags(props, key="Tags"):
    return [{"Key": t["Key"], "Value": str(t["Value"])} for t in props.get(key, [])]


def _index(cfn: dict) -> dict:
    """A global secondary index as CreateTable takes it (CloudFormation's ProvisionedThroughput values may be text)."""
    unknown = sorted(set(cfn) - {"IndexName", "KeySchema", "Projection", "ProvisionedThroughput"})
    if unknown:
        raise DeployError(f"GlobalSecondaryIndexes.{', '.join(unknown)} is not supported locally")
    index = {k: v for k, v in cfn.items() if k in ("IndexName", "KeySchema", "Projection")}
    if "ProvisionedThroughput" in cfn:
        index["ProvisionedThroughput"] = {k: int(v) for k, v in cfn["ProvisionedThroughput"].items()}
    return index


def _missing(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return code in ("NoSuchEntity", "NoSuchBucket", "ResourceNotFoundException", "NotFound", "404",
                    "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "NoSuchKey",
                    "NoSuchBucketPolicy", "StackSetNotFoundException", "ResourceNotFound")


class Handler:
    type = ""
    properties: frozenset = frozenset()
    required: frozenset = frozenset()

    def check(self, logical_id: str, props: dict):
        unknown = sorted(set(props) - self.properties)
        if unknown:
            raise DeployError(f"{logical_id} ({self.type}): property {', '.join(unknown)} is not supported locally")
        missing = sorted(self.required - set(props))
        if missing:
            raise DeployError(f"{logical_id} ({self.type}): property {', '.join(missing)} is required")

    def create(self, ctx, logical_id: str, props: dict) -> Created:
        raise NotImplementedError

    def delete(self, ctx, res) -> None:
        raise NotImplementedError

    def exists(self, ctx, res) -> bool:
        raise NotImplementedError


@contextmanager
def _unless_missing():
    """Deleting what is already gone is done: a missing resource's error is swallowed, any other raised."""
    try:
        yield
    except ClientError as e:
        if not _missing(e):
            raise


def _present(call) -> bool:
    try:
        call()
        return True
    except ClientError as e:
        if _missing(e):
            return False
        raise


def _quietly(call):
    with _unless_missing():
        call()


# ---------------------------------------------------------------------------------------------------------- IAM
class IamRole(Handler):
    type = "AWS::IAM::Role"
    properties = frozenset({"RoleName", "AssumeRolePolicyDocument", "Description", "MaxSessionDuration", "Path",
                            "Policies", "ManagedPolicyArns", "Tags", "PermissionsBoundary"})
    required = frozenset({"AssumeRolePolicyDocument"})

    def create(self, ctx, logical_id, props):
        iam = ctx.client("iam")
        name = props.get("RoleName") or ctx.generated_name(logical_id, 64)
        kw = {k: props[k] for k in ("Description", "Path", "PermissionsBoundary") if k in props}
        if "MaxSessionDuration" in props:
            kw["MaxSessionDuration"] = int(props["MaxSessionDuration"])
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_policy(props["AssumeRolePolicyDocument"]),
                               Tags=_tags(props), **kw)["Role"]
        for p in props.get("Policies", []):
            iam.put_role_policy(RoleName=name, PolicyName=p["PolicyName"], PolicyDocument=_policy(p["PolicyDocument"]))
        for arn in props.get("ManagedPolicyArns", []):
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        return Created(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    def delete(self, ctx, res):
        iam = ctx.client("iam")
        with _unless_missing():
            for name in iam.list_role_policies(RoleName=res.physical_id)["PolicyNames"]:
                iam.delete_role_policy(RoleName=res.physical_id, PolicyName=name)
            for p in iam.list_attached_role_policies(RoleName=res.physical_id)["AttachedPolicies"]:
                iam.detach_role_policy(RoleName=res.physical_id, PolicyArn=p["PolicyArn"])
            iam.delete_role(RoleName=res.physical_id)

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("iam").get_role(RoleName=res.physical_id))


class IamRolePolicy(Handler):
    type = "AWS::IAM::RolePolicy"
    properties = frozenset({"RoleName", "PolicyName", "PolicyDocument"})
    required = properties

    def create(self, ctx, logical_id, props):
        ctx.client("iam").put_role_policy(RoleName=props["RoleName"], PolicyName=props["PolicyName"],
                                          PolicyDocument=_policy(props["PolicyDocument"]))
        return Created(f"{props['RoleName']}|{props['PolicyName']}")

    def delete(self, ctx, res):
        role, name = res.physical_id.split("|", 1)
        _quietly(lambda: ctx.client("iam").delete_role_policy(RoleName=role, PolicyName=name))

    def exists(self, ctx, res):
        role, name = res.physical_id.split("|", 1)
        return _present(lambda: ctx.client("iam").get_role_policy(RoleName=role, PolicyName=name))


class IamPolicy(Handler):
    """AWS::IAM::Policy: an inline policy of each role, user and group it lists."""
    type = "AWS::IAM::Policy"
    properties = frozenset({"PolicyName", "PolicyDocument", "Roles", "Users", "Groups"})
    required = frozenset({"PolicyName", "PolicyDocument"})

    def create(self, ctx, logical_id, props):
        iam, doc, name = ctx.client("iam"), _policy(props["PolicyDocument"]), props["PolicyName"]
        for role in props.get("Roles", []):
            iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=doc)
        for user in props.get("Users", []):
            iam.put_user_policy(UserName=user, PolicyName=name, PolicyDocument=doc)
        for group in props.get("Groups", []):
            iam.put_group_policy(GroupName=group, PolicyName=name, PolicyDocument=doc)
        return Created(json.dumps({"name": name, "roles": props.get("Roles", []), "users": props.get("Users", []),
                                   "groups": props.get("Groups", [])}))

    def delete(self, ctx, res):
        iam, p = ctx.client("iam"), json.loads(res.physical_id)
        for role in p["roles"]:
            _quietly(lambda r=role: iam.delete_role_policy(RoleName=r, PolicyName=p["name"]))
        for user in p["users"]:
            _quietly(lambda u=user: iam.delete_user_policy(UserName=u, PolicyName=p["name"]))
        for group in p["groups"]:
            _quietly(lambda g=group: iam.delete_group_policy(GroupName=g, PolicyName=p["name"]))

    def exists(self, ctx, res):
        iam, p = ctx.client("iam"), json.loads(res.physical_id)
        return all(_present(lambda r=role: iam.get_role_policy(RoleName=r, PolicyName=p["name"]))
                   for role in p["roles"])


# ---------------------------------------------------------------------------------------------------------- S3
def notification_configuration(ctx, logical_id: str, bucket: str, cfn: dict) -> dict:
    """CloudFormation's NotificationConfiguration as the S3 API takes it. S3 validates each destination when the
    configuration is written: a Lambda function must exist and let s3.amazonaws.com invoke it for this bucket."""
    known = {"LambdaConfigurations", "QueueConfigurations", "TopicConfigurations", "EventBridgeConfiguration"}
    unknown = sorted(set(cfn) - known)
    if unknown:
        raise DeployError(f"{logical_id}: NotificationConfiguration.{', '.join(unknown)} is not supported locally")

    def api_filter(f):
        rules = f.get("S3Key", {}).get("Rules", []) if f else []
        return {"Filter": {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}} \
            if rules else {}

    out: dict[str, Any] = {}
    for cfg in cfn.get("LambdaConfigurations", []):
        function = ctx.lambdas.function(cfg["Function"])
        if not ctx.lambdas.allows(function, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}", ctx.account):
            raise DeployError(f"{logical_id}: Unable to validate the following destination configurations "
                              f"({cfg['Function']}): the function's policy does not let s3.amazonaws.com invoke it")
        out.setdefault("LambdaFunctionConfigurations", []).append(
            {"LambdaFunctionArn": cfg["Function"], "Events": [cfg["Event"]], **api_filter(cfg.get("Filter"))})
    for cfg in cfn.get("QueueConfigurations", []):
        out.setdefault("QueueConfigurations", []).append(
            {"QueueArn": cfg["Queue"], "Events": [cfg["Event"]], **api_filter(cfg.get("Filter"))})
    for cfg in cfn.get("TopicConfigurations", []):
        out.setdefault("TopicConfigurations", []).append(
            {"TopicArn": cfg["Topic"], "Events": [cfg["Event"]], **api_filter(cfg.get("Filter"))})
    if cfn.get("EventBridgeConfiguration", {}).get("EventBridgeEnabled") in (True, "true"):
        out["EventBridgeConfiguration"] = {}
    return out


def lifecycle_rules(logical_id: str, rules: list[dict]) -> list[dict]:
    out = []
    for r in rules:
        unknown = sorted(set(r) - {"Id", "Status", "Prefix", "NoncurrentVersionExpiration", "Transitions",
                                   "AbortIncompleteMultipartUpload", "ExpirationInDays"})
        if unknown:
            raise DeployError(f"{logical_id}: LifecycleConfiguration rule property {', '.join(unknown)} is not "
                              "supported locally")
        rule: dict[str, Any] = {"ID": r["Id"], "Status": r["Status"], "Filter": {"Prefix": r.get("Prefix", "")}}
        if "NoncurrentVersionExpiration" in r:
            rule["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": int(r["NoncurrentVersionExpiration"]["NoncurrentDays"])}
        if "Transitions" in r:
            rule["Transitions"] = [{"Days": int(t["TransitionInDays"]), "StorageClass": t["StorageClass"]}
                                   for t in r["Transitions"]]
        if "AbortIncompleteMultipartUpload" in r:
            rule["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": int(r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])}
        if "ExpirationInDays" in r:
            rule["Expiration"] = {"Days": int(r["ExpirationInDays"])}
        out.append(rule)
    return out


class S3Bucket(Handler):
    type = "AWS::S3::Bucket"
    properties = frozenset({"BucketName", "NotificationConfiguration", "BucketEncryption",
                            "PublicAccessBlockConfiguration", "OwnershipControls", "VersioningConfiguration",
                            "LifecycleConfiguration", "Tags"})

    def create(self, ctx, logical_id, props):
        s3 = ctx.client("s3")
        name = props.get("BucketName") or ctx.generated_name(logical_id, 63).lower()
        s3.create_bucket(Bucket=name)
        if "BucketEncryption" in props:
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"],
                 **({"BucketKeyEnabled": r["BucketKeyEnabled"] in (True, "true")} if "BucketKeyEnabled" in r else {})}
                for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]]})
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(Bucket=name,
                                       PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
        if "OwnershipControls" in props:
            s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=props["OwnershipControls"])
        if "VersioningConfiguration" in props:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
        if "LifecycleConfiguration" in props:
            s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={
                "Rules": lifecycle_rules(logical_id, props["LifecycleConfiguration"]["Rules"])})
        if "Tags" in props:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags(props)})
        if "NotificationConfiguration" in props:
            s3.put_bucket_notification_configuration(
                Bucket=name, NotificationConfiguration=notification_configuration(
                    ctx, logical_id, name, props["NotificationConfiguration"]))
        return Created(name, {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
                              "RegionalDomainName": f"{name}.s3.{REGION}.amazonaws.com"})

    def delete(self, ctx, res):
        # As CloudFormation: a bucket that still holds objects cannot be deleted.
        try:
            ctx.client("s3").delete_bucket(Bucket=res.physical_id)
        except ClientError as e:
            if not _missing(e):
                raise DeployError(f"{res.logical_id}: {e.response['Error'].get('Message', 'cannot delete')}") from e

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("s3").head_bucket(Bucket=res.physical_id))


class S3BucketPolicy(Handler):
    type = "AWS::S3::BucketPolicy"
    properties = frozenset({"Bucket", "PolicyDocument"})
    required = properties

    def create(self, ctx, logical_id, props):
        ctx.client("s3").put_bucket_policy(Bucket=props["Bucket"], Policy=_policy(props["PolicyDocument"]))
        return Created(props["Bucket"])

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("s3").delete_bucket_policy(Bucket=res.physical_id))

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("s3").get_bucket_policy(Bucket=res.physical_id))


# ---------------------------------------------------------------------------------------------------------- SQS, SNS
class SqsQueue(Handler):
    type = "AWS::SQS::Queue"
    attributes = {"SqsManagedSseEnabled", "MessageRetentionPeriod", "VisibilityTimeout", "RedrivePolicy",
                  "KmsMasterKeyId", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize"}
    properties = frozenset(attributes | {"QueueName", "Tags"})

    def create(self, ctx, logical_id, props):
        sqs = ctx.client("sqs")
        name = props.get("QueueName") or ctx.generated_name(logical_id, 80)
        attrs = {k: (json.dumps(v) if isinstance(v, dict) else str(v).lower() if isinstance(v, bool) else str(v))
                 for k, v in props.items() if k in self.attributes}
        local = sqs.create_queue(QueueName=name, Attributes=attrs,
                                 tags={t["Key"]: t["Value"] for t in _tags(props)})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=local, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        # Ref is the URL CloudFormation gives: SQS's own host. It is a request parameter, not where requests go, so
        # the emulator answers it for the queue of that name (docs/emulator-notes.md).
        url = f"https://sqs.{REGION}.amazonaws.com/{ctx.account}/{name}"
        return Created(url, {"Arn": arn, "QueueName": name, "QueueUrl": url})

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("sqs").delete_queue(QueueUrl=res.physical_id))

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("sqs").get_queue_attributes(QueueUrl=res.physical_id,
                                                                       AttributeNames=["QueueArn"]))


class SqsQueuePolicy(Handler):
    type = "AWS::SQS::QueuePolicy"
    properties = frozenset({"Queues", "PolicyDocument"})
    required = properties

    def create(self, ctx, logical_id, props):
        for url in props["Queues"]:
            ctx.client("sqs").set_queue_attributes(QueueUrl=url,
                                                   Attributes={"Policy": _policy(props["PolicyDocument"])})
        return Created(json.dumps(props["Queues"]))

    def delete(self, ctx, res):
        for url in json.loads(res.physical_id):
            _quietly(lambda u=url: ctx.client("sqs").set_queue_attributes(QueueUrl=u, Attributes={"Policy": ""}))

    def exists(self, ctx, res):
        for url in json.loads(res.physical_id):
            try:
                attrs = ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
            except ClientError as e:
                if _missing(e):
                    return False
                raise
            if not attrs.get("Policy"):
                return False
        return True


class SnsTopic(Handler):
    type = "AWS::SNS::Topic"
    properties = frozenset({"TopicName", "DisplayName", "KmsMasterKeyId", "Tags"})

    def create(self, ctx, logical_id, props):
        name = props.get("TopicName") or ctx.generated_name(logical_id, 256)
        attrs = {k: str(props[k]) for k in ("DisplayName", "KmsMasterKeyId") if k in props}
        arn = ctx.client("sns").create_topic(Name=name, Attributes=attrs, Tags=_tags(props))["TopicArn"]
        return Created(arn, {"TopicArn": arn, "TopicName": name})

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("sns").delete_topic(TopicArn=res.physical_id))

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("sns").get_topic_attributes(TopicArn=res.physical_id))


class SnsSubscription(Handler):
    type = "AWS::SNS::Subscription"
    properties = frozenset({"TopicArn", "Protocol", "Endpoint", "FilterPolicy", "RawMessageDelivery"})
    required = frozenset({"TopicArn", "Protocol"})

    def create(self, ctx, logical_id, props):
        attrs = {}
        if "FilterPolicy" in props:
            attrs["FilterPolicy"] = _policy(props["FilterPolicy"])
        if "RawMessageDelivery" in props:
            attrs["RawMessageDelivery"] = str(props["RawMessageDelivery"]).lower()
        arn = ctx.client("sns").subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"],
                                          Endpoint=props.get("Endpoint", ""), Attributes=attrs,
                                          ReturnSubscriptionArn=True)["SubscriptionArn"]
        return Created(arn)

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("sns").unsubscribe(SubscriptionArn=res.physical_id))

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("sns").get_subscription_attributes(SubscriptionArn=res.physical_id))


# ---------------------------------------------------------------------------------------------------------- data
class DynamoTable(Handler):
    type = "AWS::DynamoDB::Table"
    properties = frozenset({"TableName", "AttributeDefinitions", "KeySchema", "BillingMode", "SSESpecification",
                            "PointInTimeRecoverySpecification", "TimeToLiveSpecification", "Tags",
                            "StreamSpecification", "ProvisionedThroughput", "GlobalSecondaryIndexes"})
    required = frozenset({"AttributeDefinitions", "KeySchema"})

    def create(self, ctx, logical_id, props):
        ddb = ctx.client("dynamodb")
        name = props.get("TableName") or ctx.generated_name(logical_id, 255)
        kw: dict[str, Any] = {"BillingMode": props.get("BillingMode", "PROVISIONED")}
        if "ProvisionedThroughput" in props:
            kw["ProvisionedThroughput"] = {k: int(v) for k, v in props["ProvisionedThroughput"].items()}
        if "SSESpecification" in props:
            sse = props["SSESpecification"]
            kw["SSESpecification"] = {"Enabled": sse.get("SSEEnabled") in (True, "true"),
                                      **({"SSEType": sse["SSEType"]} if "SSEType" in sse else {}),
                                      **({"KMSMasterKeyId": sse["KMSMasterKeyId"]} if "KMSMasterKeyId" in sse else {})}
        if "StreamSpecification" in props:
            kw["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        if "Tags" in props:
            kw["Tags"] = _tags(props)
        if "GlobalSecondaryIndexes" in props:
            kw["GlobalSecondaryIndexes"] = [_index(index) for index in props["GlobalSecondaryIndexes"]]
        table = ddb.create_table(TableName=name, AttributeDefinitions=props["AttributeDefinitions"],
                                 KeySchema=props["KeySchema"], **kw)["TableDescription"]
        pitr = props.get("PointInTimeRecoverySpecification", {})
        if pitr.get("PointInTimeRecoveryEnabled") in (True, "true"):
            ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": True})
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"] in (True, "true")})
        return Created(name, {"Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn", "")})

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("dynamodb").delete_table(TableName=res.physical_id))

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("dynamodb").describe_table(TableName=res.physical_id))


class KmsKey(Handler):
    type = "AWS::KMS::Key"
    properties = frozenset({"Description", "KeyPolicy", "EnableKeyRotation", "KeySpec", "KeyUsage", "Tags",
                            "PendingWindowInDays", "Enabled"})

    def create(self, ctx, logical_id, props):
        kms = ctx.client("kms")
        kw = {k: props[k] for k in ("Description", "KeySpec", "KeyUsage") if k in props}
        if "KeyPolicy" in props:
            kw["Policy"] = _policy(props["KeyPolicy"])
        key = kms.create_key(Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in _tags(props)],
                             **kw)["KeyMetadata"]
        if props.get("EnableKeyRotation") in (True, "true"):
            kms.enable_key_rotation(KeyId=key["KeyId"])
        return Created(key["KeyId"], {"Arn": key["Arn"], "KeyId": key["KeyId"]})

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("kms").schedule_key_deletion(
            KeyId=res.physical_id, PendingWindowInDays=int(res.properties.get("PendingWindowInDays", 30))))

    def exists(self, ctx, res):
        try:
            state = ctx.client("kms").describe_key(KeyId=res.physical_id)["KeyMetadata"]["KeyState"]
        except ClientError as e:
            if _missing(e):
                return False
            raise
        return state != "PendingDeletion"


class LogGroup(Handler):
    type = "AWS::Logs::LogGroup"
    properties = frozenset({"LogGroupName", "RetentionInDays", "KmsKeyId", "Tags"})

    def create(self, ctx, logical_id, props):
        logs = ctx.client("logs")
        name = props.get("LogGroupName") or ctx.generated_name(logical_id, 512)
        kw = {"kmsKeyId": props["KmsKeyId"]} if "KmsKeyId" in props else {}
        logs.create_log_group(logGroupName=name, tags={t["Key"]: t["Value"] for t in _tags(props)}, **kw)
        if "RetentionInDays" in props:
            logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
        return Created(name, {"Arn": f"arn:aws:logs:{REGION}:{ctx.account}:log-group:{name}:*"})

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("logs").delete_log_group(logGroupName=res.physical_id))

    def exists(self, ctx, res):
        groups = ctx.client("logs").describe_log_groups(logGroupNamePrefix=res.physical_id)["logGroups"]
        return any(g["logGroupName"] == res.physical_id for g in groups)


class CloudWatchAlarm(Handler):
    type = "AWS::CloudWatch::Alarm"
    properties = frozenset({"AlarmName", "AlarmDescription", "ActionsEnabled", "AlarmActions", "OKActions",
                            "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "ExtendedStatistic",
                            "Dimensions", "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
                            "ComparisonOperator", "TreatMissingData", "Unit", "Metrics", "ThresholdMetricId",
                            "EvaluateLowSampleCountPercentile", "Tags"})
    required = frozenset({"EvaluationPeriods", "ComparisonOperator"})
    numbers = {"Period": int, "EvaluationPeriods": int, "DatapointsToAlarm": int, "Threshold": float}

    def create(self, ctx, logical_id, props):
        name = props.get("AlarmName") or ctx.generated_name(logical_id, 255)
        kw = {k: (self.numbers[k](v) if k in self.numbers else v) for k, v in props.items() if k != "AlarmName"}
        if "ActionsEnabled" in kw:
            kw["ActionsEnabled"] = kw["ActionsEnabled"] in (True, "true")
        for m in kw.get("Metrics", []):
            if "Period" in m:
                m["Period"] = int(m["Period"])
            if "MetricStat" in m:
                m["MetricStat"]["Period"] = int(m["MetricStat"]["Period"])
            if "ReturnData" in m:
                m["ReturnData"] = m["ReturnData"] in (True, "true")
        ctx.client("cloudwatch").put_metric_alarm(AlarmName=name, **kw)
        return Created(name, {"Arn": f"arn:aws:cloudwatch:{REGION}:{ctx.account}:alarm:{name}"})

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("cloudwatch").delete_alarms(AlarmNames=[res.physical_id]))

    def exists(self, ctx, res):
        return bool(ctx.client("cloudwatch").describe_alarms(AlarmNames=[res.physical_id])["MetricAlarms"])


class CloudWatchDashboard(Handler):
    type = "AWS::CloudWatch::Dashboard"
    properties = frozenset({"DashboardName", "DashboardBody"})
    required = frozenset({"DashboardBody"})

    def create(self, ctx, logical_id, props):
        name = props.get("DashboardName") or ctx.generated_name(logical_id, 255)
        ctx.client("cloudwatch").put_dashboard(DashboardName=name, DashboardBody=_policy(props["DashboardBody"]))
        return Created(name)

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("cloudwatch").delete_dashboards(DashboardNames=[res.physical_id]))

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("cloudwatch").get_dashboard(DashboardName=res.physical_id))


# ---------------------------------------------------------------------------------------------------------- Lambda
class LambdaFunction(Handler):
    type = "AWS::Lambda::Function"
    properties = frozenset({"FunctionName", "Handler", "Runtime", "Code", "MemorySize", "Timeout", "Role",
                            "Environment", "Description", "Architectures", "LoggingConfig",
                            "ReservedConcurrentExecutions", "Tags"})
    required = frozenset({"Handler", "Runtime", "Code", "Role"})

    def create(self, ctx, logical_id, props):
        if props["Runtime"] != "java21":
            raise DeployError(f"{logical_id}: runtime {props['Runtime']} is not run locally (java21 is)")
        if props.get("Architectures", ["x86_64"]) != ["x86_64"]:
            raise DeployError(f"{logical_id}: only x86_64 functions run under the local emulator")
        name = props.get("FunctionName") or ctx.generated_name(logical_id, 64)
        variables = props.get("Environment", {}).get("Variables", {})
        bad = sorted(k for k, v in variables.items() if isinstance(v, (dict, list)))
        if bad:
            raise DeployError(f"{logical_id}: environment {', '.join(bad)} did not resolve to a string")
        env = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in variables.items()}
        spec = FunctionSpec(logical_id, props["Handler"], int(props.get("Timeout", 3)),
                            int(props.get("MemorySize", 128)), env)
        reserved = props.get("ReservedConcurrentExecutions")
        try:
            function = ctx.lambdas.create_function(ctx.account, name, logical_id, spec, ctx.build_dir / logical_id,
                                                   props["Role"], int(reserved) if reserved is not None else None)
        except Exception as e:  # noqa: BLE001 - LambdaError: Lambda's refusal, said as CloudFormation shows it
            raise DeployError(f"{logical_id}: {e}") from e
        return Created(name, {"Arn": function.arn})

    def delete(self, ctx, res):
        try:
            ctx.lambdas.delete_function(res.attributes["Arn"])
        except Exception:  # noqa: BLE001 - already gone
            pass

    def exists(self, ctx, res):
        try:
            ctx.lambdas.function(res.attributes["Arn"])
            return True
        except Exception:  # noqa: BLE001
            return False


class LambdaPermission(Handler):
    type = "AWS::Lambda::Permission"
    properties = frozenset({"Action", "FunctionName", "Principal", "SourceArn", "SourceAccount",
                            "FunctionUrlAuthType", "InvokedViaFunctionUrl", "EventSourceToken", "PrincipalOrgID"})
    required = frozenset({"Action", "FunctionName", "Principal"})

    def create(self, ctx, logical_id, props):
        function = ctx.lambdas.function(props["FunctionName"])
        statement_id = ctx.generated_name(logical_id, 100)
        ctx.lambdas.add_permission(function, statement_id, dict(props))
        return Created(statement_id, {"FunctionArn": function.arn})

    def delete(self, ctx, res):
        try:
            ctx.lambdas.remove_permission(ctx.lambdas.function(res.attributes["FunctionArn"]), res.physical_id)
        except Exception:  # noqa: BLE001 - the function is gone, and its policy with it
            pass

    def exists(self, ctx, res):
        try:
            return res.physical_id in ctx.lambdas.function(res.attributes["FunctionArn"]).policy
        except Exception:  # noqa: BLE001
            return False


class LambdaUrl(Handler):
    type = "AWS::Lambda::Url"
    properties = frozenset({"TargetFunctionArn", "AuthType", "InvokeMode", "Cors", "Qualifier"})
    required = frozenset({"TargetFunctionArn", "AuthType"})

    def create(self, ctx, logical_id, props):
        if props.get("InvokeMode", "BUFFERED") != "BUFFERED":
            raise DeployError(f"{logical_id}: only InvokeMode BUFFERED is served locally")
        function = ctx.lambdas.function(props["TargetFunctionArn"])
        url = ctx.lambdas.create_url(function, props["AuthType"])
        return Created(function.arn, {"FunctionUrl": url, "FunctionArn": function.arn})

    def delete(self, ctx, res):
        try:
            ctx.lambdas.delete_url(ctx.lambdas.function(res.physical_id))
        except Exception:  # noqa: BLE001
            pass

    def exists(self, ctx, res):
        try:
            return ctx.lambdas.function(res.physical_id).url is not None
        except Exception:  # noqa: BLE001
            return False


class LambdaEventSourceMapping(Handler):
    type = "AWS::Lambda::EventSourceMapping"
    properties = frozenset({"FunctionName", "EventSourceArn", "BatchSize", "FunctionResponseTypes", "ScalingConfig",
                            "Enabled", "MaximumBatchingWindowInSeconds"})
    required = frozenset({"FunctionName", "EventSourceArn"})

    def create(self, ctx, logical_id, props):
        if props.get("Enabled") in (False, "false"):
            raise DeployError(f"{logical_id}: a disabled mapping is not supported locally")
        batch = int(props.get("BatchSize", 10))
        if batch > 10 and "MaximumBatchingWindowInSeconds" not in props:
            raise DeployError(f"{logical_id}: BatchSize above 10 needs MaximumBatchingWindowInSeconds")
        concurrency = props.get("ScalingConfig", {}).get("MaximumConcurrency")
        mapping = ctx.lambdas.create_event_source_mapping(
            ctx.lambdas.function(props["FunctionName"]), props["EventSourceArn"], batch,
            props.get("FunctionResponseTypes", []), int(concurrency) if concurrency is not None else None)
        return Created(mapping.uuid)

    def delete(self, ctx, res):
        ctx.lambdas.delete_event_source_mapping(res.physical_id)

    def exists(self, ctx, res):
        return res.physical_id in ctx.lambdas.mappings


class LambdaEventInvokeConfig(Handler):
    type = "AWS::Lambda::EventInvokeConfig"
    properties = frozenset({"FunctionName", "Qualifier", "MaximumRetryAttempts", "MaximumEventAgeInSeconds",
                            "DestinationConfig"})
    required = frozenset({"FunctionName", "Qualifier"})

    def create(self, ctx, logical_id, props):
        function = ctx.lambdas.function(props["FunctionName"])
        retries = int(props.get("MaximumRetryAttempts", 2))
        if not 0 <= retries <= 2:
            raise DeployError(f"{logical_id}: MaximumRetryAttempts must be 0, 1 or 2")
        function.retries = retries  # retried at once locally: events never grow older than MaximumEventAgeInSeconds
        destination = props.get("DestinationConfig", {})
        function.on_failure = destination.get("OnFailure", {}).get("Destination")
        if destination.get("OnSuccess"):
            raise DeployError(f"{logical_id}: OnSuccess destinations are not supported locally")
        return Created(f"{function.name}:{props['Qualifier']}", {"FunctionArn": function.arn})

    def delete(self, ctx, res):
        try:
            function = ctx.lambdas.function(res.attributes["FunctionArn"])
            function.retries, function.on_failure = 2, None
        except Exception:  # noqa: BLE001
            pass

    def exists(self, ctx, res):
        try:
            function = ctx.lambdas.function(res.attributes["FunctionArn"])
        except Exception:  # noqa: BLE001
            return False
        return function.on_failure is not None or function.retries != 2


# ---------------------------------------------------------------------------------------------------------- EventBridge
class EventsRule(Handler):
    type = "AWS::Events::Rule"
    properties = frozenset({"Name", "Description", "EventPattern", "ScheduleExpression", "State", "Targets",
                            "EventBusName"})

    def create(self, ctx, logical_id, props):
        events = ctx.client("events")
        name = props.get("Name") or ctx.generated_name(logical_id, 64)
        kw = {k: props[k] for k in ("Description", "ScheduleExpression", "EventBusName") if k in props}
        if "EventPattern" in props:
            kw["EventPattern"] = _policy(props["EventPattern"])
        arn = events.put_rule(Name=name, State=props.get("State", "ENABLED"), **kw)["RuleArn"]
        targets = []
        for t in props.get("Targets", []):
            unknown = sorted(set(t) - {"Id", "Arn", "Input", "RoleArn"})
            if unknown:
                raise DeployError(f"{logical_id}: target property {', '.join(unknown)} is not supported locally")
            targets.append(dict(t))
        if targets:
            events.put_targets(Rule=name, Targets=targets)
        return Created(name, {"Arn": arn})

    def delete(self, ctx, res):
        events = ctx.client("events")
        with _unless_missing():
            ids = [t["Id"] for t in events.list_targets_by_rule(Rule=res.physical_id)["Targets"]]
            if ids:
                events.remove_targets(Rule=res.physical_id, Ids=ids)
            events.delete_rule(Name=res.physical_id)

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("events").describe_rule(Name=res.physical_id))


# ---------------------------------------------------------------------------------------------------------- billing
class BcmExport(Handler):
    type = "AWS::BCMDataExports::Export"
    properties = frozenset({"Export", "Tags"})
    required = frozenset({"Export"})

    def create(self, ctx, logical_id, props):
        try:
            arn = ctx.client("bcm-data-exports").create_export(Export=props["Export"],
                                                               ResourceTags=_tags(props))["ExportArn"]
        except ClientError as e:
            raise DeployError(f"{logical_id}: {e.response['Error'].get('Message')}") from e
        return Created(arn, {"ExportArn": arn})

    def delete(self, ctx, res):
        _quietly(lambda: ctx.client("bcm-data-exports").delete_export(ExportArn=res.physical_id))

    def exists(self, ctx, res):
        return _present(lambda: ctx.client("bcm-data-exports").get_export(ExportArn=res.physical_id))


class CurReport(Handler):
    type = "AWS::CUR::ReportDefinition"
    properties = frozenset({"ReportName", "TimeUnit", "Format", "Compression", "AdditionalSchemaElements",
                            "S3Bucket", "S3Prefix", "S3Region", "AdditionalArtifacts", "RefreshClosedReports",
                            "ReportVersioning", "BillingViewArn"})
    required = frozenset({"ReportName", "TimeUnit", "Format", "Compression", "S3Bucket", "S3Prefix", "S3Region",
                          "RefreshClosedReports", "ReportVersioning"})

    def create(self, ctx, logical_id, props):
        report = dict(props)
        report.setdefault("AdditionalSchemaElements", [])
        report["RefreshClosedReports"] = report["RefreshClosedReports"] in (True, "true")
        try:
            ctx.client("cur").put_report_definition(ReportDefinition=report)
        except ClientError as e:
            raise DeployError(f"{logical_id}: {e.response['Error'].get('Message')}") from e
        return Created(props["ReportName"])

    def delete(self, ctx, res):
        ctx.client("cur").delete_report_definition(ReportName=res.physical_id)

    def exists(self, ctx, res):
        reports = ctx.client("cur").describe_report_definitions()["ReportDefinitions"]
        return any(r["ReportName"] == res.physical_id for r in reports)


# ------------------------------------------------------------------------------------------------- CloudFormation
class WaitConditionHandle(Handler):
    """No API: CloudFormation makes a pre-signed URL for a wait condition to signal. Only its ordering is used."""
    type = "AWS::CloudFormation::WaitConditionHandle"

    def create(self, ctx, logical_id, props):
        return Created(f"https://cloudformation-waitcondition-{REGION}.s3.amazonaws.com/{ctx.stack_id}/{logical_id}")

    def delete(self, ctx, res):
        pass

    def exists(self, ctx, res):
        return not res.deleted


class StackSet(Handler):
    """A service-managed StackSet, through moto's CloudFormation: moto deploys the TemplateBody, as a stack, into every
    account of the target OUs of the caller's organisation."""
    type = "AWS::CloudFormation::StackSet"
    properties = frozenset({"StackSetName", "Description", "PermissionModel", "CallAs", "AutoDeployment",
                            "ManagedExecution", "OperationPreferences", "Capabilities", "StackInstancesGroup",
                            "Parameters", "TemplateBody", "Tags"})
    required = frozenset({"StackSetName", "PermissionModel"})

    def create(self, ctx, logical_id, props):
        cfn = ctx.client("cloudformation")
        if "TemplateBody" not in props:
            raise DeployError(f"{logical_id}: only a TemplateBody is deployed locally (no TemplateURL)")
        params = [{"ParameterKey": p["ParameterKey"], "ParameterValue": str(p["ParameterValue"])}
                  for p in props.get("Parameters", [])]
        kw = {k: props[k] for k in ("Description", "Capabilities", "CallAs") if k in props}
        if "AutoDeployment" in props:
            a = props["AutoDeployment"]
            kw["AutoDeployment"] = {"Enabled": a["Enabled"] in (True, "true"),
                                    "RetainStacksOnAccountRemoval": a.get("RetainStacksOnAccountRemoval")
                                    in (True, "true")}
        if "ManagedExecution" in props:
            kw["ManagedExecution"] = {"Active": props["ManagedExecution"].get("Active") in (True, "true")}
        stack_set_id = cfn.create_stack_set(StackSetName=props["StackSetName"], TemplateBody=props["TemplateBody"],
                                            Parameters=params, PermissionModel=props["PermissionModel"],
                                            Tags=_tags(props), **kw)["StackSetId"]
        for group in props.get("StackInstancesGroup", []):
            prefs = {k: (int(v) if k.endswith(("Percentage", "Count")) else v)
                     for k, v in props.get("OperationPreferences", {}).items()}
            cfn.create_stack_instances(StackSetName=props["StackSetName"], DeploymentTargets=group["DeploymentTargets"],
                                       Regions=group["Regions"], OperationPreferences=prefs,
                                       **({"CallAs": props["CallAs"]} if "CallAs" in props else {}))
        instances = cfn.list_stack_instances(StackSetName=props["StackSetName"])["Summaries"]
        return Created(stack_set_id, {"StackSetId": stack_set_id, "StackSetName": props["StackSetName"],
                                      "Accounts": sorted({i["Account"] for i in instances})})

    def delete(self, ctx, res):
        cfn = ctx.client("cloudformation")
        name = res.attributes["StackSetName"]
        with _unless_missing():
            instances = cfn.list_stack_instances(StackSetName=name)["Summaries"]
            if instances:
                cfn.delete_stack_instances(StackSetName=name, Accounts=sorted({i["Account"] for i in instances}),
                                           Regions=sorted({i["Region"] for i in instances}), RetainStacks=False)
            cfn.delete_stack_set(StackSetName=name)

    def exists(self, ctx, res):
        try:
            status = ctx.client("cloudformation").describe_stack_set(
                StackSetName=res.attributes["StackSetName"])["StackSet"]["Status"]
        except ClientError as e:
            if _missing(e):
                return False
            raise
        return status != "DELETED"


class CustomResource(Handler):
    """CloudFormation's side of the custom resource protocol: the request goes to the ServiceToken function
    (asynchronously, as CloudFormation invokes it) with a real pre-signed S3 PUT URL as ResponseURL, and the
    deployment waits for the answer, up to ServiceTimeout (default 3600 s). SUCCESS gives the PhysicalResourceId and
    the Data that Fn::GetAtt reads; FAILED fails the resource with its Reason."""
    type = "Custom::*"
    RESPONSE_BUCKET = f"cloudformation-custom-resource-response-{REGION.replace('-', '')}"
    MAX_RESPONSE = 4096

    def check(self, logical_id, props):
        if "ServiceToken" not in props:
            raise DeployError(f"{logical_id}: a custom resource needs a ServiceToken")

    def create(self, ctx, logical_id, props):
        answer = self.request(ctx, "Create", logical_id, props)
        return Created(answer["PhysicalResourceId"], answer.get("Data") or {})

    def delete(self, ctx, res):
        self.request(ctx, "Delete", res.logical_id, res.properties, physical_id=res.physical_id, deleting=True)

    def exists(self, ctx, res):
        return not res.deleted

    @staticmethod
    def _strings(value):
        """Every scalar of ResourceProperties arrives as a string."""
        if isinstance(value, dict):
            return {k: CustomResource._strings(v) for k, v in value.items()}
        if isinstance(value, list):
            return [CustomResource._strings(v) for v in value]
        return str(value).lower() if isinstance(value, bool) else str(value)

    def request(self, ctx, request_type: str, logical_id: str, props: dict, physical_id: str | None = None,
                deleting: bool = False) -> dict:
        aws = ctx.cloud.aws
        s3 = aws.client("s3", ctx.cloud.aws_account)
        if not _present(lambda: s3.head_bucket(Bucket=self.RESPONSE_BUCKET)):
            s3.create_bucket(Bucket=self.RESPONSE_BUCKET)
        request_id = str(uuid.uuid4())
        key = f"{ctx.stack_id}|{logical_id}|{request_id}"
        timeout = int(props.get("ServiceTimeout", 3600))
        event = {"RequestType": request_type, "ServiceToken": props["ServiceToken"],
                 "ResponseURL": s3.generate_presigned_url("put_object", Params={"Bucket": self.RESPONSE_BUCKET,
                                                                                "Key": key}, ExpiresIn=7200),
                 "StackId": ctx.stack_id, "RequestId": request_id, "LogicalResourceId": logical_id,
                 "ResourceType": ctx.resource_type(logical_id), "ResourceProperties": self._strings(props)}
        if physical_id:
            event["PhysicalResourceId"] = physical_id
        function = ctx.lambdas.function(props["ServiceToken"])
        with aws.authorisation_suspended():
            ctx.lambdas.invoke_async(function, event, f"cloudformation:{logical_id}")
            ctx.progress(f"{request_type} request sent to {function.logical_id}; waiting for its answer "
                         f"(ServiceTimeout {timeout} s)", waiting=True)
            deadline = time.monotonic() + timeout
            while True:
                with _unless_missing():
                    body = s3.get_object(Bucket=self.RESPONSE_BUCKET, Key=key)["Body"].read()
                    break
                if time.monotonic() > deadline:
                    raise DeployError(f"{logical_id}: CloudFormation did not receive a response from your Custom "
                                      f"Resource within the specified timeout of {timeout} seconds")
                time.sleep(0.2)
        if len(body) > self.MAX_RESPONSE:
            raise DeployError(f"{logical_id}: Response object is too long.")
        try:
            answer = json.loads(body)
        except ValueError as e:
            raise DeployError(f"{logical_id}: Invalid response object: not JSON") from e
        for name in ("StackId", "RequestId", "LogicalResourceId"):
            if answer.get(name) != event[name]:
                raise DeployError(f"{logical_id}: Invalid response object: {name} does not match the request")
        if answer.get("Status") not in ("SUCCESS", "FAILED") or not answer.get("PhysicalResourceId"):
            raise DeployError(f"{logical_id}: Invalid response object: Status and PhysicalResourceId are required")
        ctx.custom_answers.append({"logical_id": logical_id, "request": request_type, "status": answer["Status"],
                                   "physical_id": answer["PhysicalResourceId"], "reason": answer.get("Reason"),
                                   "data": answer.get("Data") or {}})
        if answer["Status"] == "FAILED":
            raise CustomResourceFailed(logical_id, answer.get("Reason") or "See the details in CloudWatch Log Stream",
                                       answer["PhysicalResourceId"])
        return answer


class CustomResourceFailed(DeployError):
    def __init__(self, logical_id: str, reason: str, physical_id: str):
        super().__init__(f"{logical_id}: Received response status [FAILED] from custom resource. Message returned: "
                         f"{reason}")
        self.physical_id = physical_id


HANDLERS: dict[str, Handler] = {h.type: h for h in (
    IamRole(), IamRolePolicy(), IamPolicy(), S3Bucket(), S3BucketPolicy(), SqsQueue(), SqsQueuePolicy(), SnsTopic(),
    SnsSubscription(), DynamoTable(), KmsKey(), LogGroup(), CloudWatchAlarm(), CloudWatchDashboard(),
    LambdaFunction(), LambdaPermission(), LambdaUrl(), LambdaEventSourceMapping(), LambdaEventInvokeConfig(),
    EventsRule(), BcmExport(), CurReport(), WaitConditionHandle(), StackSet(), CustomResource())}


def handler_for(resource_type: str) -> Handler:
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return HANDLERS["Custom::*"]
    if resource_type not in HANDLERS:
        raise DeployError(f"resource type {resource_type} is not supported by the local CloudFormation")
    return HANDLERS[resource_type]


def random_suffix(n: int = 13) -> str:
    return "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(n))

