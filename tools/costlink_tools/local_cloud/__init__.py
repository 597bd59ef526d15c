"""The local cloud: CostLink's two stacks deployed and running on one machine, without Docker or an AWS account.

    LocalCloud  = LocalAws (moto with IAM authorisation, the BCM Data Exports and CUR emulators, accounts)
                + LambdaService (functions under the Runtime Interface Emulator, URLs, SQS mappings, async invokes)
                + S3Events / EventBridge (notifications and rules as deployed, schedule ticks)
                + LocalCloudFormation (deploys template.yaml and vendor.yaml)
                + Billing (AWS delivering an export's data to its bucket)
"""
from __future__ import annotations

import shutil
import time

from .aws import AWS_ACCOUNT, CUSTOMER, REGION, VENDOR, LocalAws
from .billing import Billing
from .deploy import LocalCloudFormation
from .events import EventBridge, S3Events
from .lambda_service import LambdaService
from .tls import LocalTls

__all__ = ["LocalCloud", "CUSTOMER", "VENDOR", "AWS_ACCOUNT", "REGION"]


class LocalCloud:
    aws_account = AWS_ACCOUNT

    def __init__(self, iam_auth: bool = True):
        self.tls = LocalTls.create()
        self.aws = LocalAws(self.tls, iam_auth=iam_auth)
        self.lambdas: LambdaService | None = None
        self.bridge: EventBridge | None = None
        self.s3_events: S3Events | None = None
        self.cloudformation = LocalCloudFormation(self)
        self.billing = Billing(self)

    def start(self) -> "LocalCloud":
        self.aws.start()
        self.lambdas = LambdaService(self.aws, jvm_options=self.tls.jvm_options(), tls=self.tls)
        self.bridge = EventBridge(self.aws, self.lambdas)
        self.s3_events = S3Events(self.aws, self.lambdas, self.bridge)
        for account in (CUSTOMER, VENDOR):
            self.s3_events.watch(account)
        return self

    def stop(self):
        if self.s3_events:
            self.s3_events.stop()
        if self.lambdas:
            self.lambdas.stop()
        self.aws.stop()
        shutil.rmtree(self.tls.directory, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def settle(self, timeout: float = 300) -> bool:
        """Waits until what has happened has had its effects: new objects routed, every invocation finished, every
        mapped queue drained (what a function refused stays in flight, invisible, as in AWS)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.s3_events.poll()
            if not self.lambdas.wait_idle(timeout=max(1.0, deadline - time.monotonic())):
                return False
            if self.s3_events.poll() == 0 and self.lambdas.wait_idle(timeout=1):
                return True
        return False
