"""The local AWS the stacks are deployed into: one moto server, over HTTPS, with IAM authorisation on (and trust
policies and TLS-only bucket policies judged as AWS judges them: moto_fixes.py), the project's BCM Data Exports and
CUR emulators, and the accounts of the story, each with the identities that act in it.

Accounts (moto keeps one set of backends per account; an access key belongs to the account that created it):
  CUSTOMER  012345678912  the customer's account. It is the account the Lambda Runtime Interface Emulator writes into
                          every invoked function ARN (it cannot be configured), and the delivery detector reports the
                          account it runs in from that ARN, so the customer's stack lives there.
  VENDOR    999988887777  the vendor's account: the vendor stack, and the identity the verifier runs as.
  AWS       123456789012  moto's default account, standing for AWS's own: CloudFormation's custom-resource response
                          bucket. moto files an unsigned or pre-signed request under it.
Each account has `admin` (what deploys: CloudFormation acting for the person who launched the stack) and `lambda` (what
the account's functions run as). Both may do anything: moto authorises DynamoDB, SNS and CloudFormation calls against
the resource "*", so an execution role scoped to table and topic ARNs would be refused everything
(docs/emulator-notes.md).
The functions that send events to the vendor (the connection callback and the delivery detector) run instead, as on
Lambda, with a session of their own execution role (`role_session`): the vendor accepts their events only when STS
says that role signed them. Where moto checks one of their actions against "*", the role gets the inline policy
`costlink-local-emulator-allowance` for exactly those actions, in the emulator only (`allow_in_emulator`).
What IAM authorisation decides here is what a role session may do: the verifier's session in the customer's role, the
callback's and the detector's sessions in their own roles.
"""
from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass

import boto3
import botocore.config

from ..bcm_exports_emulator import BcmExportsEmulator, CurReportsEmulator
from ..moto_server import MotoServer

CUSTOMER = "012345678912"
VENDOR = "999988887777"
AWS_ACCOUNT = "123456789012"
REGION = "us-east-1"
ALL_ACTIONS = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
EMULATOR_ALLOWANCE = "costlink-local-emulator-allowance"
EMULATED_SERVICES = {"bcm-data-exports": "BCM_DATA_EXPORTS", "cur": "COST_AND_USAGE_REPORT_SERVICE"}


@dataclass(frozen=True)
class Identity:
    account: str
    name: str
    key: str
    secret: str

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account}:user/{self.name}"


class LocalAws:
    def __init__(self, tls=None, iam_auth: bool = True, moto_module: str = "costlink_tools.local_cloud.moto_fixes"):
        """`tls` (a LocalTls) makes moto serve HTTPS; `moto_module` is moto_fixes, or moto.server to compare."""
        self.iam_auth = iam_auth
        self.tls = tls
        self.moto = MotoServer(unauthenticated_calls=0 if iam_auth else None, module=moto_module,
                               tls_cert=tls.cert if tls else None, tls_key=tls.key if tls else None)
        self.exports = BcmExportsEmulator(page_size=50, default_account=CUSTOMER)
        self.reports = CurReportsEmulator(default_account=CUSTOMER)
        self._identities: dict[tuple[str, str], Identity] = {}
        self._auth_lock = threading.RLock()
        self._suspended = 0
        self._client_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "LocalAws":
        self.moto.start()
        self.exports.start()
        self.reports.start()
        for account in (AWS_ACCOUNT, VENDOR, CUSTOMER):
            self.identity(account, "admin")
            self.identity(account, "lambda")
        return self

    def stop(self):
        self.exports.stop()
        self.reports.stop()
        self.moto.stop()

    @property
    def endpoint(self) -> str:
        return self.moto.endpoint

    # ------------------------------------------------------------------ IAM authorisation
    def _reset_auth(self, unauthenticated: str):
        self.moto.unauthenticated(float(unauthenticated))

    @contextlib.contextmanager
    def authorisation_suspended(self):
        """moto answers a pre-signed S3 URL (no Authorization header) with HTTP 500 while IAM authorisation is on. The
        local CloudFormation suspends authorisation while a custom resource's answer to its pre-signed ResponseURL is
        outstanding, and turns it back on when the answer is in (docs/emulator-notes.md)."""
        with self._auth_lock:
            self._suspended += 1
            if self.iam_auth and self._suspended == 1:
                self._reset_auth("inf")
        try:
            yield
        finally:
            with self._auth_lock:
                self._suspended -= 1
                if self.iam_auth and self._suspended == 0:
                    self._reset_auth("0")

    def identity(self, account: str, name: str) -> Identity:
        """An IAM user of `account` allowed everything, with an access key; created on first use. moto needs a signed
        caller to create the first user of an account, so these calls run while authorisation is suspended (a
        counted window of unauthenticated calls could be taken by another thread's call)."""
        with self._auth_lock:
            if (account, name) in self._identities:
                return self._identities[(account, name)]
            with self.authorisation_suspended():
                iam = self._raw_client("iam", "testing", "testing", headers={"x-moto-account-id": account})
                user = f"costlink-local-{name}"
                iam.create_user(UserName=user)
                iam.put_user_policy(UserName=user, PolicyName="everything", PolicyDocument=ALL_ACTIONS)
                key = iam.create_access_key(UserName=user)["AccessKey"]
            identity = Identity(account, user, key["AccessKeyId"], key["SecretAccessKey"])
            self._identities[(account, name)] = identity
            self.exports.accounts[identity.key] = account
            self.reports.accounts[identity.key] = account
            return identity

    # ------------------------------------------------------------------ clients
    def _raw_client(self, service: str, key: str, secret: str, token: str | None = None, headers: dict | None = None,
                    endpoint: str | None = None):
        with self._client_lock:  # boto3 sessions are not safe to create from several threads at once
            session = boto3.session.Session()
            client = session.client(service, endpoint_url=endpoint or self.endpoint, region_name=REGION,
                                    aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                                    verify=str(self.tls.cert) if self.tls else None,
                                    config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 3}))
        for name, value in (headers or {}).items():
            client.meta.events.register("before-sign.*.*",
                                        lambda request, n=name, v=value, **_: request.headers.__setitem__(n, v))
        return client

    def service_endpoint(self, service: str) -> str:
        return {"bcm-data-exports": self.exports.endpoint, "cur": self.reports.endpoint}.get(service, self.endpoint)

    def client(self, service: str, account: str = CUSTOMER, identity: str = "admin"):
        who = self.identity(account, identity)
        return self._raw_client(service, who.key, who.secret, endpoint=self.service_endpoint(service))

    def session_client(self, service: str, credentials: dict):
        """A client signed with temporary credentials (an AssumeRole answer's Credentials)."""
        return self._raw_client(service, credentials["AccessKeyId"], credentials["SecretAccessKey"],
                                credentials["SessionToken"], endpoint=self.service_endpoint(service))

    def role_session(self, account: str, role_arn: str, session_name: str) -> dict:
        """Credentials of a session of `role_arn`, as Lambda gives a function of its execution role (the session is
        named after the function). The role trusts lambda.amazonaws.com, a service principal moto cannot judge (its
        trust check fails with HTTP 500), so the AssumeRole is made while authorisation is suspended; what the session
        may do afterwards is judged by the role's own policies. Twelve hours, as long as a local run may keep an
        execution environment (Lambda's own credentials are not bound by the role's MaxSessionDuration)."""
        with self.authorisation_suspended():
            return self.client("sts", account).assume_role(RoleArn=role_arn, RoleSessionName=session_name[:64],
                                                           DurationSeconds=43200)["Credentials"]

    def allow_in_emulator(self, account: str, role_name: str, actions: list[str]) -> None:
        """The inline policy `costlink-local-emulator-allowance`: `actions` on "*", for actions moto authorises against
        the resource "*" whatever the request names, so that the role's scoped statement (a stack's ARN) can pass.
        Emulator only: template.yaml never grants them on "*" (docs/emulator-notes.md)."""
        document = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "MotoAuthorisesTheseAgainstStar", "Effect": "Allow", "Action": sorted(actions), "Resource": "*"}]})
        self.client("iam", account).put_role_policy(RoleName=role_name, PolicyName=EMULATOR_ALLOWANCE,
                                                    PolicyDocument=document)

    def function_environment(self, account: str, credentials: dict | None = None) -> dict:
        """What the local Lambda service gives every function of `account`: its credentials (a role session's, given
        `credentials`; else the account's `lambda` identity) and the local endpoints. AWS_ENDPOINT_URL is moto, STS
        included: a function signs its proof of origin for it (CallerIdentityProof.stsEndpoint)."""
        if credentials:
            keys = (credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
        else:
            who = self.identity(account, "lambda")
            keys = (who.key, who.secret, None)
        env = {"AWS_ACCESS_KEY_ID": keys[0], "AWS_SECRET_ACCESS_KEY": keys[1], "AWS_SESSION_TOKEN": keys[2],
               "AWS_ENDPOINT_URL": self.endpoint}
        for service, variable in EMULATED_SERVICES.items():
            env[f"AWS_ENDPOINT_URL_{variable}"] = self.service_endpoint(service)
        return env
