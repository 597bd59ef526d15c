"""Senders proven by AWS identity, on moto with IAM authorisation on (docs/emulator-notes.md): an account identity for
the test itself and the vendor's registry, and a connection stack's function roles (`costlink-callback-<uuid>`,
`costlink-detector-<uuid>`) assumed as Lambda assumes them, whose session credentials sign each event's proof
(costlink_tools.identity_proof)."""
from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from costlink_tools import identity_proof
from costlink_tools.moto_server import MotoServer

# moto's default account: the account every identity the test creates lives in (the "customer's").
ACCOUNT = "123456789012"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Keys:
    key: str
    secret: str
    token: str | None = None

    def env(self) -> dict:
        """As a Lambda function's environment holds them (None removes a session token)."""
        return {"AWS_ACCESS_KEY_ID": self.key, "AWS_SECRET_ACCESS_KEY": self.secret, "AWS_SESSION_TOKEN": self.token}


class AuthorisedMoto(MotoServer):
    """moto with IAM authorisation on from its fourth call: the first three create the tester's user, its policy and
    its access key, which every later client of the test (and the vendor's registry) signs with."""

    def __init__(self):
        super().__init__(unauthenticated_calls=3)
        self.keys: Keys | None = None
        self.user_arn = ""

    def start(self) -> "AuthorisedMoto":
        super().start()
        iam = super().client("iam")
        self.user_arn = iam.create_user(UserName="costlink-tester")["User"]["Arn"]
        iam.put_user_policy(UserName="costlink-tester", PolicyName="tester", PolicyDocument=json.dumps(ALLOW_ALL))
        key = iam.create_access_key(UserName="costlink-tester")["AccessKey"]
        self.keys = Keys(key["AccessKeyId"], key["SecretAccessKey"])
        return self

    def client(self, service: str, key: str | None = None, secret: str | None = None, token: str | None = None, **kw):
        if key is None:
            key, secret = self.keys.key, self.keys.secret
        return super().client(service, key=key, secret=secret, token=token, **kw)


def create_tables(moto) -> dict:
    """The vendor stack's tables from vendor.yaml, with their global secondary indexes (the registry queries ByStack)."""
    from costlink_tools.demo import create_tables as vendor_tables
    return vendor_tables(moto, "-" + uuid.uuid4().hex[:6])


class Stack:
    """A connection stack's id and its two function roles, assumed with the function's name as session name."""

    def __init__(self, moto: AuthorisedMoto, account: str = ACCOUNT, stack_id: str | None = None):
        self.moto = moto
        self.account = account
        self.stack_id = stack_id or f"arn:aws:cloudformation:us-east-1:{account}:stack/CostLink/{uuid.uuid4()}"
        self.callback = self._assumed(identity_proof.callback_role(self.stack_id), "CostLink-ConnectionCallback")
        # The detector reads the billing bucket as its role, which IAM authorisation judges (as template.yaml grants).
        self.detector = self._assumed(identity_proof.detector_role(self.stack_id), "CostLink-DeliveryDetector",
                                      {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                                       "Resource": ["arn:aws:s3:::*"]})

    def _assumed(self, role: str, session: str, allow: dict | None = None) -> Keys:
        iam = self.moto.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": self.moto.user_arn},
                                                         "Action": "sts:AssumeRole"}]}
        if self.account != ACCOUNT:
            # A role in another account: moto creates it there for a request naming that account, which the tester's
            # key (of moto's default account) cannot sign, so that one call is let through unauthenticated.
            iam.meta.events.register("before-sign.iam.*", lambda request, **kw: request.headers.__setitem__(
                "x-moto-account-id", self.account))
            self.moto.unauthenticated(1)
        arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        if allow is not None:
            if self.account != ACCOUNT:
                self.moto.unauthenticated(1)
            iam.put_role_policy(RoleName=role, PolicyName="function",
                                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow]}))
        c = self.moto.client("sts").assume_role(RoleArn=arn, RoleSessionName=session)["Credentials"]
        return Keys(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def proof(keys: Keys, raw: bytes, url: str, sts_endpoint: str, at: datetime.datetime | None = None,
          body_sha256: str | None = None, audience: str | None = None) -> str:
    return identity_proof.sign(raw, key=keys.key, secret=keys.secret, token=keys.token, region="us-east-1",
                               sts_endpoint=sts_endpoint, registry_audience=audience or identity_proof.audience(url),
                               at=at, body_sha256=body_sha256)


def raw(body) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def post(url: str, body, *, keys: Keys | None, sts_endpoint: str, external_id: str | None = None, data: bytes | None = None,
         headers: dict | None = None, method: str = "POST", ts: int | None = None, **proof_options):
    """POSTs an event as its sender does: the proof signed with `keys` (None: no proof) and, with `external_id`, the
    tenant's HMAC. `data` sends other bytes than the body's JSON; `headers` adds or (None) removes headers."""
    data = data if data is not None else raw(body)
    h = {"Content-Type": "application/json", "Idempotency-Key": body.get("id", "") if isinstance(body, dict) else ""}
    if keys is not None:
        h[identity_proof.HEADER] = proof(keys, data, url, sts_endpoint, **proof_options)
    if external_id is not None:
        stamp = str(int(time.time()) if ts is None else ts)
        h["CostLink-Timestamp"] = stamp
        h["CostLink-Signature"] = "v1=" + hmac.new(external_id.encode(), stamp.encode() + b"." + data,
                                                   hashlib.sha256).hexdigest()
    for k, v in (headers or {}).items():
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")
