"""The local Lambda service: the functions a stack deploys, run from `sam build`'s output under the Runtime Interface
Emulator (lambda_runner.py), with what Lambda keeps around them: resource policies (who may invoke), function URLs,
SQS event source mappings, and the asynchronous invocation configuration (retries, on-failure destination).

moto's Lambda runs functions only in Docker and its SQS consumes a mapped queue itself, so functions, mappings and
URLs live here, not in moto; everything they touch (queues, topics, buckets, tables) is moto's.
"""
from __future__ import annotations

import json
import os
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .. import identity_proof
from ..function_url import FunctionUrl
from ..lambda_runner import EnvironmentPool, FunctionSpec, Invocation, LambdaRunner
from .aws import REGION, LocalAws

# The functions that run, as on Lambda, with a session of their own execution role (the vendor accepts their events
# only when STS says that role signed them: docs/security.md), by role-name prefix (StackFunctionRoles), with the
# actions moto authorises against "*" that their role grants on a narrower resource (aws.allow_in_emulator).
OWN_ROLE_SENDERS = {
    identity_proof.CALLBACK_ROLE_PREFIX: ["cloudformation:DescribeStacks"],  # granted on the stack's own ARN
    identity_proof.DETECTOR_ROLE_PREFIX: [],  # S3 is authorised against the bucket and key: the scoped policy passes
}

# One machine runs a few JVMs at once: a function's environments are bounded by its reserved concurrency and this.
LOCAL_MAX_ENVIRONMENTS = int(os.environ.get("COSTLINK_LOCAL_MAX_ENVIRONMENTS", "4"))


class LambdaError(Exception):
    """A request the Lambda API would refuse (the message says why, as Lambda's does)."""


@dataclass
class Function:
    name: str
    account: str
    logical_id: str
    spec: FunctionSpec
    code_dir: Path
    role_arn: str
    reserved_concurrency: int | None
    pool: EnvironmentPool
    policy: dict[str, dict] = field(default_factory=dict)  # statement id -> statement
    retries: int = 2
    on_failure: str | None = None
    url: FunctionUrl | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{self.account}:function:{self.name}"


@dataclass
class EventSourceMapping:
    uuid: str
    function: Function
    queue_arn: str
    queue_url: str
    batch_size: int
    report_batch_item_failures: bool
    max_concurrency: int
    thread: threading.Thread | None = None
    stopped: threading.Event = field(default_factory=threading.Event)
    batches: int = 0
    failed_messages: int = 0


class LambdaService:
    def __init__(self, aws: LocalAws, jvm_options: list[str] | None = None, tls=None):
        self.aws = aws
        self.jvm_options = jvm_options or []
        self.tls = tls
        self.functions: dict[str, Function] = {}  # by ARN
        self.mappings: dict[str, EventSourceMapping] = {}
        self._lock = threading.Lock()
        self._async: queue.Queue = queue.Queue()
        self._in_flight = 0
        self._idle = threading.Condition(self._lock)
        self._workers = [threading.Thread(target=self._async_worker, daemon=True, name=f"lambda-async-{i}")
                         for i in range(3)]
        for w in self._workers:
            w.start()
        self.invocations: list[dict] = []  # what ran: function, how, outcome (for the story and the tests)

    # ------------------------------------------------------------------ functions
    def create_function(self, account: str, name: str, logical_id: str, spec: FunctionSpec, code_dir: Path,
                        role_arn: str, reserved_concurrency: int | None) -> Function:
        if not (code_dir / "lib").is_dir():
            raise LambdaError(f"{logical_id}: no code at {code_dir} (run `sam build`)")
        self._check_execution_role(account, role_arn)
        role_name = role_arn.rsplit("/", 1)[-1]
        allowance = next((actions for prefix, actions in OWN_ROLE_SENDERS.items() if role_name.startswith(prefix)),
                         None)
        own_role = allowance is not None
        if allowance:
            self.aws.allow_in_emulator(account, role_name, allowance)
        bound = max(1, min(reserved_concurrency or LOCAL_MAX_ENVIRONMENTS, LOCAL_MAX_ENVIRONMENTS))

        def make_runner():
            # Every execution environment gets its credentials when it starts, as on Lambda.
            credentials = self.aws.role_session(account, role_arn, name) if own_role else None
            env = {**spec.environment, **self.aws.function_environment(account, credentials),
                   "AWS_LAMBDA_FUNCTION_NAME": name}
            return LambdaRunner(spec, env=env, code_dir=code_dir, jvm_options=self.jvm_options)

        function = Function(name, account, logical_id, spec, code_dir, role_arn, reserved_concurrency,
                            EnvironmentPool(make_runner, bound))
        with self._lock:
            if function.arn in self.functions:
                raise LambdaError(f"Function already exist: {name}")
            self.functions[function.arn] = function
        return function

    def _check_execution_role(self, account: str, role_arn: str):
        """As Lambda does on CreateFunction: the role must exist and trust lambda.amazonaws.com."""
        role_name = role_arn.rsplit("/", 1)[-1]
        try:
            role = self.aws.client("iam", account).get_role(RoleName=role_name)["Role"]
        except Exception as e:  # noqa: BLE001 - NoSuchEntity and friends: the message is Lambda's
            raise LambdaError("The role defined for the function cannot be assumed by Lambda.") from e
        document = role["AssumeRolePolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
        for st in statements:
            services = st.get("Principal", {}).get("Service", []) if isinstance(st.get("Principal"), dict) else []
            services = services if isinstance(services, list) else [services]
            if st.get("Effect") == "Allow" and "lambda.amazonaws.com" in services:
                return
        raise LambdaError("The role defined for the function cannot be assumed by Lambda.")

    def function(self, name_or_arn: str) -> Function:
        with self._lock:
            if name_or_arn in self.functions:
                return self.functions[name_or_arn]
            for f in self.functions.values():
                if f.name == name_or_arn:
                    return f
        raise LambdaError(f"Function not found: {name_or_arn}")

    def delete_function(self, name_or_arn: str):
        function = self.function(name_or_arn)
        for mapping in [m for m in self.mappings.values() if m.function is function]:
            self.delete_event_source_mapping(mapping.uuid)
        if function.url:
            function.url.stop()
        with self._lock:
            self.functions.pop(function.arn, None)
        function.pool.close()

    # ------------------------------------------------------------------ resource policy
    def add_permission(self, function: Function, statement_id: str, statement: dict):
        function.policy[statement_id] = statement

    def remove_permission(self, function: Function, statement_id: str):
        function.policy.pop(statement_id, None)

    @staticmethod
    def allows(function: Function, principal: str, source_arn: str | None = None,
               source_account: str | None = None, action: str = "lambda:InvokeFunction") -> bool:
        """Whether the function's resource policy lets `principal` (a service) invoke it for `source_arn`."""
        for st in function.policy.values():
            if st["Action"] not in (action, "lambda:*") or st["Principal"] not in (principal, "*"):
                continue
            if st.get("SourceArn") and st["SourceArn"] != source_arn:
                continue
            if st.get("SourceAccount") and st["SourceAccount"] != source_account:
                continue
            return True
        return False

    # ------------------------------------------------------------------ function URLs
    def create_url(self, function: Function, auth_type: str) -> str:
        if auth_type != "NONE":
            raise LambdaError("only AuthType NONE is served locally (AWS_IAM needs SigV4 verification)")
        if function.url:
            raise LambdaError(f"{function.name} already has a function URL")
        function.url = FunctionUrl(_Invoker(self, function, "function-url"),
                                   tls=self.tls.server_context() if self.tls else None)
        return function.url.url

    def delete_url(self, function: Function):
        if function.url:
            function.url.stop()
            function.url = None

    # ------------------------------------------------------------------ invocation
    def invoke(self, function: Function, event, source: str = "direct") -> Invocation:
        """A synchronous invocation (RequestResponse)."""
        with self._lock:
            self._in_flight += 1
        try:
            invocation = function.pool.invoke(event)
            self.invocations.append({"function": function.logical_id, "source": source,
                                     "error": invocation.function_error, "seconds": invocation.seconds,
                                     "payload": invocation.payload.decode(errors="replace")[:4096]})
            return invocation
        finally:
            with self._lock:
                self._in_flight -= 1
                self._idle.notify_all()

    def invoke_async(self, function: Function, event, source: str):
        """An asynchronous invocation (Event), as S3, EventBridge and CloudFormation invoke: queued, then run with the
        function's retries; when they are exhausted, the invocation record goes to the on-failure destination."""
        with self._lock:
            self._in_flight += 1
        self._async.put((function, event, source))

    def _async_worker(self):
        while True:
            function, event, source = self._async.get()
            try:
                self._run_async(function, event, source)
            except Exception as e:  # noqa: BLE001 - one failed event must not stop the service
                self.invocations.append({"function": function.logical_id, "source": source, "error": True,
                                         "detail": repr(e)})
            finally:
                with self._lock:
                    self._in_flight -= 1
                    self._idle.notify_all()

    def _run_async(self, function: Function, event, source: str):
        attempts: list[Invocation] = []
        for _ in range(1 + function.retries):
            attempts.append(self.invoke(function, event, source))
            if not attempts[-1].function_error:
                return
        if function.on_failure:
            record = {
                "version": "1.0", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": function.arn + ":$LATEST",
                                   "condition": "RetriesExhausted", "approximateInvokeCount": len(attempts)},
                "requestPayload": event,
                "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
                "responsePayload": _json_or_text(attempts[-1].payload),
            }
            self._send_to_destination(function, function.on_failure, record)

    def _send_to_destination(self, function: Function, arn: str, record: dict):
        service, account, resource = arn.split(":")[2], arn.split(":")[4], arn.split(":")[5]
        body = json.dumps(record)
        if service == "sqs":
            sqs = self.aws.client("sqs", account, "lambda")
            sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=resource, QueueOwnerAWSAccountId=account)["QueueUrl"],
                             MessageBody=body)
        elif service == "sns":
            self.aws.client("sns", account, "lambda").publish(TopicArn=arn, Message=body)
        else:
            raise LambdaError(f"destination {arn} is not an SQS queue or SNS topic")

    # ------------------------------------------------------------------ SQS event source mappings
    def create_event_source_mapping(self, function: Function, queue_arn: str, batch_size: int,
                                    response_types: list[str], max_concurrency: int | None) -> EventSourceMapping:
        service, account, name = queue_arn.split(":")[2], queue_arn.split(":")[4], queue_arn.split(":")[5]
        if service != "sqs":
            raise LambdaError(f"event source {queue_arn}: only SQS queues are mapped locally")
        if not 1 <= batch_size <= 10000:
            raise LambdaError("BatchSize must be between 1 and 10000")
        url = self.aws.client("sqs", account).get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        mapping = EventSourceMapping(str(uuid.uuid4()), function, queue_arn, url, batch_size,
                                     "ReportBatchItemFailures" in (response_types or []), max_concurrency or 1000)
        mapping.thread = threading.Thread(target=self._poll, args=(mapping,), daemon=True,
                                          name=f"esm-{function.logical_id}")
        self.mappings[mapping.uuid] = mapping
        mapping.thread.start()
        return mapping

    def delete_event_source_mapping(self, mapping_uuid: str):
        mapping = self.mappings.pop(mapping_uuid, None)
        if mapping:
            mapping.stopped.set()
            if mapping.thread and mapping.thread is not threading.current_thread():
                mapping.thread.join(timeout=10)

    def _poll(self, mapping: EventSourceMapping):
        """Lambda's poller: receive up to BatchSize messages (SQS gives ten at most per call), invoke the function
        with them as one batch, delete what succeeded. Locally one poller takes one batch at a time per mapping
        (Lambda scales pollers up to the mapping's MaximumConcurrency). With ReportBatchItemFailures only the listed messages stay;
        without it, any function error keeps the whole batch. Kept messages become visible again after the queue's
        visibility timeout, as in AWS."""
        sqs = self.aws.client("sqs", mapping.function.account, "lambda")
        while not mapping.stopped.is_set():
            try:
                messages = sqs.receive_message(QueueUrl=mapping.queue_url,
                                               MaxNumberOfMessages=min(10, mapping.batch_size),
                                               WaitTimeSeconds=1, AttributeNames=["All"],
                                               MessageAttributeNames=["All"]).get("Messages", [])
            except Exception:  # noqa: BLE001 - the queue was deleted, or the service is stopping
                if mapping.stopped.wait(1):
                    return
                continue
            if not messages:
                continue
            with self._lock:
                self._in_flight += 1
            try:
                self._deliver_batch(sqs, mapping, messages)
            finally:
                with self._lock:
                    self._in_flight -= 1
                    self._idle.notify_all()

    def _deliver_batch(self, sqs, mapping: EventSourceMapping, messages: list[dict]):
        event = {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": {k: {"stringValue": v.get("StringValue"), "dataType": v.get("DataType")}
                                  for k, v in m.get("MessageAttributes", {}).items()},
            "md5OfBody": m["MD5OfBody"], "eventSource": "aws:sqs", "eventSourceARN": mapping.queue_arn,
            "awsRegion": REGION} for m in messages]}
        invocation = self.invoke(mapping.function, event, "sqs")
        mapping.batches += 1
        if invocation.function_error:
            kept = {m["MessageId"] for m in messages}
        elif mapping.report_batch_item_failures:
            failures = (_json_or_text(invocation.payload) or {})
            failures = failures.get("batchItemFailures", []) if isinstance(failures, dict) else []
            kept = {f.get("itemIdentifier") for f in failures if isinstance(f, dict)}
            if not kept <= {m["MessageId"] for m in messages} or None in kept:
                kept = {m["MessageId"] for m in messages}  # an unknown or empty id fails the whole batch, as Lambda
        else:
            kept = set()
        mapping.failed_messages += len(kept)
        for m in messages:
            if m["MessageId"] not in kept:
                sqs.delete_message(QueueUrl=mapping.queue_url, ReceiptHandle=m["ReceiptHandle"])

    # ------------------------------------------------------------------ waiting for quiet
    def wait_idle(self, timeout: float = 300) -> bool:
        """True once no invocation is running or queued, and every mapped queue shows no visible message and none
        delayed (a message sent with DelaySeconds is waited for: it is work the functions have yet to do)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                self._idle.wait_for(lambda: self._in_flight == 0, timeout=max(0.0, deadline - time.monotonic()))
                if self._in_flight:
                    continue
            if not any(self._visible(m) for m in list(self.mappings.values())):
                with self._lock:
                    if self._in_flight == 0:
                        return True
            time.sleep(0.2)
        return False

    def _visible(self, mapping: EventSourceMapping) -> int:
        attrs = self.aws.client("sqs", mapping.function.account).get_queue_attributes(
            QueueUrl=mapping.queue_url, AttributeNames=["ApproximateNumberOfMessages",
                                                        "ApproximateNumberOfMessagesDelayed"])["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(attrs.get("ApproximateNumberOfMessagesDelayed", 0))

    def stop(self):
        for mapping_uuid in list(self.mappings):
            self.delete_event_source_mapping(mapping_uuid)
        for function in list(self.functions.values()):
            self.delete_function(function.arn)


class _Invoker:
    """What a function URL invokes: the function's pool, counted as an invocation of the service."""

    def __init__(self, service: LambdaService, function: Function, source: str):
        self.service, self.function, self.source = service, function, source

    def invoke(self, event) -> Invocation:
        return self.service.invoke(self.function, event, self.source)


def _json_or_text(payload: bytes):
    try:
        return json.loads(payload)
    except ValueError:
        return payload.decode(errors="replace")
