"""moto's server (`python -m moto.server`) with one correction to its IAM authorisation: role trust policies are
evaluated for cross-account AssumeRole as AWS evaluates them, so the connection stack's own trust policy (the vendor's
account root, with the tenant's ExternalId) is what lets the verifier in or keeps it out.

moto 5.2.5 evaluates a trust policy only when the role is in the caller's own account, and then matches the principal
as a plain string against the caller's ARN. So, measured (docs/emulator-notes.md):
  - a role in another account: its trust policy is never read (a wrong or missing ExternalId is let in);
  - a principal `arn:aws:iam::<account>:root`: no caller ever matches it (AWS lets in any identity of that account
    whose own policies allow sts:AssumeRole);
  - a `{"Service": ...}` principal: moto's check fails with HTTP 500;
  - a StringEquals condition on a key the request does not send (no ExternalId) passes (AWS refuses).
The patch below looks the role up in the account its ARN names and judges the principal and the StringEquals
conditions as AWS does.

A second correction concerns bucket policies: moto applies a bucket policy's Deny to object requests but ignores its
conditions, so the TLS-only statements every CostLink bucket carries (Deny unless aws:SecureTransport, Deny when
s3:TlsVersion < 1.2) would refuse every request. The patch judges those two conditions with the request's real
transport: this server serves HTTPS when started with a certificate (-c/-k), at TLS 1.2 or later (Python's minimum),
and plain HTTP otherwise. Statements with other conditions are left to moto.

A third: moto keeps a bucket's EventBridgeConfiguration (and sends events to EventBridge for it) but leaves it out of
GetBucketNotificationConfiguration; the patch returns it, as S3 does.

Everything else is moto's own code. Run: python -m costlink_tools.local_cloud.moto_fixes -H 127.0.0.1 -p PORT
[-c CERT -k KEY] (moto.server's arguments).
"""
from __future__ import annotations

import re
import sys

ACCOUNT_PRINCIPAL = re.compile(r"^(?:arn:[\w-]+:iam::(\d{12}):root|(\d{12}))$")
CALLER_ACCOUNT = re.compile(r"^arn:[\w-]+:(?:iam|sts)::(\d{12}):")


def principal_matches(expected, caller_arn: str) -> bool:
    """AWS principals of a trust statement against the caller: an ARN equal to the caller's, "*", or an account (its
    root ARN or bare id) that contains the caller. Service and federated principals never match an IAM caller."""
    if expected == "*":
        return True
    if not isinstance(expected, dict) or "AWS" not in expected:
        return False
    values = expected["AWS"] if isinstance(expected["AWS"], list) else [expected["AWS"]]
    caller = CALLER_ACCOUNT.match(caller_arn)
    for value in values:
        account = ACCOUNT_PRINCIPAL.match(value)
        if value == "*" or value == caller_arn or (account and caller and caller.group(1) in account.groups()):
            return True
    return False


def string_equals_hold(condition: dict, request_values: dict) -> bool:
    """Every StringEquals key must be present in the request and equal one of the allowed values (AWS semantics);
    other operators are left to moto (it ignores them)."""
    for key, allowed in condition.get("StringEquals", {}).items():
        allowed = allowed if isinstance(allowed, list) else [allowed]
        if key not in request_values or request_values[key] not in [str(a) for a in allowed]:
            return False
    return True


def transport_conditions_hold(statement: dict, secure: bool) -> bool:
    """False when the statement's aws:SecureTransport or s3:TlsVersion condition is false for this server's transport
    (the statement then does not apply); True otherwise (moto decides, ignoring the other conditions)."""
    tls_version = 1.2 if secure else 0.0  # the lowest version Python's TLS server accepts
    for operator, pairs in (statement.get("Condition") or {}).items():
        for key, value in pairs.items():
            values = [str(v).lower() for v in (value if isinstance(value, list) else [value])]
            if key == "aws:SecureTransport" and operator == "Bool":
                if str(secure).lower() not in values:
                    return False
            elif key == "s3:TlsVersion" and operator == "NumericLessThan":
                if not secure or not any(tls_version < float(v) for v in values):
                    return False
    return True


def patch(secure: bool = False) -> None:
    import json

    from moto.iam import access_control
    from moto.iam.models import iam_backends
    from moto.iam.utils import REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK, format_incoming_conditional_values
    from moto.utilities.utils import get_partition

    def role_of(request, role_arn: str):
        match = re.match(r"^arn:[\w-]+:iam::(\d{12}):role/", role_arn)
        if not match:
            return None
        backend = iam_backends[match.group(1)][get_partition(request._region)]
        try:
            return backend.get_role_by_arn(role_arn)
        except Exception:  # noqa: BLE001 - moto's NotFoundException: not an existing role
            return None

    def is_assuming_role_operation(self, resource_arn: str) -> bool:
        return self._action in REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK and role_of(self, resource_arn) is not None

    def check_role_trust_relationship(self, role_arn: str) -> bool:
        role = role_of(self, role_arn)
        document = json.loads(role.assume_role_policy_document)
        statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
        values = format_incoming_conditional_values(self._data)
        allowed = False
        for st in statements:
            actions = st.get("Action", [])
            actions = actions if isinstance(actions, list) else [actions]
            if not any(re.fullmatch(a.replace("*", ".*"), self._action) for a in actions):
                continue
            if not principal_matches(st.get("Principal"), self._access_key.arn):
                continue
            if not string_equals_hold(st.get("Condition", {}), values):
                continue
            if st.get("Effect") == "Deny":
                return False
            allowed = True
        return allowed

    access_control.IAMRequestBase._is_assuming_role_operation = is_assuming_role_operation
    access_control.IAMRequestBase._check_role_trust_relationship = check_role_trust_relationship

    from moto.s3.models import FakeBucket

    def get_permission(self, action: str, resource: str):
        if self.policy is None:
            return access_control.PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode())
        statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
        document["Statement"] = [st for st in statements if transport_conditions_hold(st, secure)]
        if not document["Statement"]:
            return access_control.PermissionResult.NEUTRAL
        return access_control.IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission

    from moto.s3.responses import ActionResult, S3Response

    original_notification = S3Response.get_bucket_notification

    def get_bucket_notification(self):
        config = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if config is None or config.event_bridge is None:
            return original_notification(self)

        def entry(item, arn_key):
            out = {"Id": item.id, arn_key: item.arn, "Events": item.events}
            if item.filters:
                out["Filter"] = {"Key": {"FilterRules": item.filters["S3Key"]["FilterRule"]}}
            return out

        self.data["Action"] = "GetBucketNotificationConfiguration"
        return self.serialized(ActionResult({
            "TopicConfigurations": [entry(t, "TopicArn") for t in config.topic],
            "QueueConfigurations": [entry(q, "QueueArn") for q in config.queue],
            "LambdaFunctionConfigurations": [entry(f, "LambdaFunctionArn") for f in config.cloud_function],
            "EventBridgeConfiguration": {}}))

    S3Response.get_bucket_notification = get_bucket_notification


def main() -> None:
    patch(secure="-c" in sys.argv[1:] or "--ssl-cert" in sys.argv[1:])
    from moto.server import main as moto_main
    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
