"""Events routed as the deployed stacks declare them, read back from moto each time:

- S3: every object created in a watched account's buckets is matched against the bucket's notification configuration
  (GetBucketNotificationConfiguration) with moto's own filter rules (event name, prefix, suffix); a matching Lambda
  destination is invoked asynchronously with the S3 event, if its resource policy lets s3.amazonaws.com in for that
  bucket. A bucket with EventBridge turned on also sends "Object Created" to the account's default bus.
- EventBridge: an event is matched against every enabled rule of the bus (ListRules, DescribeRule) with moto's own
  event-pattern matcher, and sent to each Lambda target (ListTargetsByRule) the function's policy admits for that rule.
  A schedule's tick (`tick(at)`) is the "Scheduled Event" of every enabled scheduled rule, at the time given: the
  story's clock moves by ticking later, as the verifier judges each connection as of its schedule's time.

New objects are found by listing object versions (a versioned bucket's overwrite is a new version; an unversioned
one's a new ETag or time): S3 has no feed an emulator can subscribe to. Watch an account from the start: everything
created in it is news. A background thread looks every second;
`poll()` looks at once (the story calls it before waiting for the functions to settle).
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import quote_plus

from botocore.exceptions import ClientError

from .aws import REGION, LocalAws
from .lambda_service import LambdaService


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class EventBridge:
    def __init__(self, aws: LocalAws, lambdas: LambdaService):
        self.aws = aws
        self.lambdas = lambdas
        self.delivered: list[dict] = []  # (rule, target, event id) for the story and the tests

    def rules(self, account: str) -> list[dict]:
        events = self.aws.client("events", account)
        out, token = [], None
        while True:
            page = events.list_rules(**({"NextToken": token} if token else {}))
            for rule in page["Rules"]:
                targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
                out.append({**rule, "Targets": targets})
            token = page.get("NextToken")
            if not token:
                return out

    def put_event(self, account: str, event: dict) -> list[str]:
        """The default bus receiving `event`: every enabled pattern rule that matches it invokes its Lambda targets."""
        from moto.events.models import EventPattern

        invoked = []
        for rule in self.rules(account):
            if rule.get("State") != "ENABLED" or "EventPattern" not in rule:
                continue
            if EventPattern.load(rule["EventPattern"]).matches_event(event):
                invoked += self._send(rule, event)
        return invoked

    def tick(self, account: str, at: datetime) -> list[str]:
        """A schedule's tick: every enabled scheduled rule of the account fires once, with time `at`."""
        invoked = []
        for rule in self.rules(account):
            if rule.get("State") != "ENABLED" or not rule.get("ScheduleExpression"):
                continue
            event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                     "source": "aws.events", "account": account, "time": _iso(at), "region": REGION,
                     "resources": [rule["Arn"]], "detail": {}}
            invoked += self._send(rule, event)
        return invoked

    def _send(self, rule: dict, event: dict) -> list[str]:
        invoked = []
        for target in rule["Targets"]:
            if ":lambda:" not in target["Arn"]:
                continue  # moto delivers to its own targets (SQS, logs); none of the stacks uses them
            function = self.lambdas.function(target["Arn"])
            if not self.lambdas.allows(function, "events.amazonaws.com", rule["Arn"]):
                self.delivered.append({"rule": rule["Name"], "function": function.logical_id, "refused": True})
                continue
            payload = json.loads(target["Input"]) if target.get("Input") else event
            self.lambdas.invoke_async(function, payload, f"events:{rule['Name']}")
            self.delivered.append({"rule": rule["Name"], "function": function.logical_id, "id": event["id"]})
            invoked.append(function.logical_id)
        return invoked


class S3Events:
    def __init__(self, aws: LocalAws, lambdas: LambdaService, bridge: EventBridge, interval: float = 1.0):
        self.aws = aws
        self.lambdas = lambdas
        self.bridge = bridge
        self.interval = interval
        self.accounts: list[str] = []
        self._seen: dict[str, set[tuple]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.routed: list[dict] = []  # every object created, and where it went
        self._thread = threading.Thread(target=self._run, daemon=True, name="s3-events")
        self._thread.start()

    def watch(self, account: str):
        if account not in self.accounts:
            self.accounts.append(account)
            self.poll()

    def _run(self):
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - a bucket deleted mid-listing; the next look sees the new state
                pass

    def stop(self):
        self._stop.set()

    def poll(self) -> int:
        """Looks for new objects now; returns how many were found."""
        found = 0
        with self._lock:
            for account in list(self.accounts):
                s3 = self.aws.client("s3", account)
                for bucket in s3.list_buckets()["Buckets"]:
                    found += self._scan(account, s3, bucket["Name"])
        return found

    def _scan(self, account: str, s3, bucket: str) -> int:
        versions = []
        try:
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
                versions += page.get("Versions", [])
        except ClientError as e:
            if e.response["Error"]["Code"] != "NoSuchBucket":
                raise
            self._seen.pop(bucket, None)  # deleted while we looked
            return 0
        current = {(v["Key"], v.get("VersionId") or "null", v["ETag"], v["LastModified"].isoformat()) for v in versions}
        # The local AWS starts empty: every object of a watched account was created while it was watched.
        new = sorted(current - self._seen.get(bucket, set()), key=lambda v: (v[3], v[0]))
        self._seen[bucket] = current
        if not new:
            return 0
        config = s3.get_bucket_notification_configuration(Bucket=bucket)
        for key, version, etag, _ in new:
            size = next((v["Size"] for v in versions if v["Key"] == key and (v.get("VersionId") or "null") == version),
                        0)
            self._route(account, bucket, config, key, version, etag.strip('"'), size)
        return len(new)

    def _route(self, account: str, bucket: str, config: dict, key: str, version: str, etag: str, size: int):
        from moto.s3.models import Notification

        event_name = "s3:ObjectCreated:Put"
        routed = {"bucket": bucket, "key": key, "functions": [], "eventbridge": False}
        for destination in config.get("LambdaFunctionConfigurations", []):
            rules = destination.get("Filter", {}).get("Key", {}).get("FilterRules", [])
            filters = {"S3Key": {"FilterRule": [{"Name": r["Name"].lower(), "Value": r["Value"]} for r in rules]}} \
                if rules else None
            if not Notification(destination["LambdaFunctionArn"], destination["Events"], filters).matches(event_name,
                                                                                                          key):
                continue
            function = self.lambdas.function(destination["LambdaFunctionArn"])
            if not self.lambdas.allows(function, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}", account):
                routed.setdefault("refused", []).append(function.logical_id)
                continue
            event = {"Records": [{
                "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
                "eventTime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "eventName": event_name[3:], "userIdentity": {"principalId": "AWS:local"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper()},
                "s3": {"s3SchemaVersion": "1.0", "configurationId": destination.get("Id", ""),
                       "bucket": {"name": bucket, "ownerIdentity": {"principalId": account},
                                  "arn": f"arn:aws:s3:::{bucket}"},
                       "object": {"key": quote_plus(key, safe="/"), "size": size, "eTag": etag,
                                  **({"versionId": version} if version != "null" else {}),
                                  "sequencer": f"{time.time_ns():X}"}}}]}
            self.lambdas.invoke_async(function, event, f"s3:{bucket}")
            routed["functions"].append(function.logical_id)
        if "EventBridgeConfiguration" in config:
            routed["eventbridge"] = True
            routed["functions"] += self.bridge.put_event(account, {
                "version": "0", "id": str(uuid.uuid4()), "detail-type": "Object Created", "source": "aws.s3",
                "account": account, "time": _iso(datetime.now(timezone.utc)), "region": REGION,
                "resources": [f"arn:aws:s3:::{bucket}"],
                "detail": {"version": "0", "bucket": {"name": bucket},
                           "object": {"key": key, "size": size, "etag": etag,
                                      **({"version-id": version} if version != "null" else {}),
                                      "sequencer": f"{time.time_ns():X}"},
                           "request-id": uuid.uuid4().hex[:16].upper(), "requester": account,
                           "source-ip-address": "127.0.0.1", "reason": "PutObject"}})
        self.routed.append(routed)
