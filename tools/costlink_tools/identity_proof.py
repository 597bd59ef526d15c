"""The proof of origin by AWS (docs/security.md) in Python, for tests and local tools: the same wire format as
dev.costlink.common.CallerIdentityProof, signed by botocore's own SigV4 signer.

A proof is an sts:GetCallerIdentity request signed with the sender's credentials and never sent by the sender: header
`CostLink-Identity: v1.<base64url(JSON {"headers": {...}})>`, binding the body's SHA-256 and the registry's audience in
signed headers."""
from __future__ import annotations

import base64
import datetime
import hashlib
import json
from urllib.parse import urlsplit

HEADER = "CostLink-Identity"
BODY_SHA256_HEADER = "x-costlink-body-sha256"
AUDIENCE_HEADER = "x-costlink-audience"
STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15"
STS_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
CALLBACK_ROLE_PREFIX = "costlink-callback-"
DETECTOR_ROLE_PREFIX = "costlink-detector-"


def audience(registry_url: str) -> str:
    """The registry's host, with its port when the URL names one (as the Java sender computes it)."""
    parts = urlsplit(registry_url)
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname


def stack_uuid(stack_id: str) -> str:
    return stack_id.rsplit("/", 1)[-1]


def callback_role(stack_id: str) -> str:
    return CALLBACK_ROLE_PREFIX + stack_uuid(stack_id)


def detector_role(stack_id: str) -> str:
    return DETECTOR_ROLE_PREFIX + stack_uuid(stack_id)


def sign(body: bytes, *, key: str, secret: str, token: str | None, region: str, sts_endpoint: str,
         registry_audience: str, at: datetime.datetime | None = None, body_sha256: str | None = None) -> str:
    """The CostLink-Identity header value. `at` signs at another time (an expired proof); `body_sha256` binds another
    body than `body` (a forged reuse)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = sts_endpoint if sts_endpoint.endswith("/") else sts_endpoint + "/"
    headers = {"Content-Type": STS_CONTENT_TYPE,
               BODY_SHA256_HEADER: body_sha256 or hashlib.sha256(body).hexdigest(),
               AUDIENCE_HEADER: registry_audience}
    request = AWSRequest(method="POST", url=url, data=STS_BODY, headers=headers)
    signer = SigV4Auth(Credentials(key, secret, token), "sts", region)
    if at is not None:
        class _At(SigV4Auth):
            def add_auth(self, req):
                import botocore.auth as auth
                real = auth.datetime.datetime

                class Frozen(real):
                    @classmethod
                    def utcnow(cls):
                        return at.replace(tzinfo=None)

                    @classmethod
                    def now(cls, tz=None):
                        return at if tz is None else at.astimezone(tz)
                auth.datetime.datetime = Frozen
                try:
                    return super().add_auth(req)
                finally:
                    auth.datetime.datetime = real
        signer = _At(Credentials(key, secret, token), "sts", region)
    signer.add_auth(request)
    signed = {name.lower(): value for name, value in request.headers.items()}
    signed.setdefault("host", urlsplit(url).netloc)
    raw = json.dumps({"headers": signed}, separators=(",", ":")).encode()
    return "v1." + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(value: str) -> dict[str, str]:
    payload = value[3:]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(raw)["headers"]
