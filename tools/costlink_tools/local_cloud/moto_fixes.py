"""moto's server for the local cloud: STS's cross-account trust check (costlink_tools.moto_sts_trust) and three more
corrections where moto 5.2.5 differs from AWS on what CostLink relies on (docs/emulator-notes.md):

1. A trust policy's StringEquals on a key the request does not send (an AssumeRole without ExternalId) passes in
   moto; STS refuses it. Judged as STS does.
2. moto applies a bucket policy's Deny to object requests but ignores its conditions, so the TLS-only statements every
   CostLink bucket carries (Deny unless aws:SecureTransport, Deny when s3:TlsVersion < 1.2) would refuse every
   request. Those two conditions are judged with the request's real transport: this server serves HTTPS when started
   with a certificate (-c/-k), at TLS 1.2 or later (Python's minimum), and plain HTTP otherwise. Statements with other
   conditions are left to moto.
3. moto keeps a bucket's EventBridgeConfiguration (and sends events to EventBridge for it) but leaves it out of
   GetBucketNotificationConfiguration; it is returned, as S3 does.

Everything else is moto's own code. Run: python -m costlink_tools.local_cloud.moto_fixes -H 127.0.0.1 -p PORT
[-c CERT -k KEY] (moto.server's arguments).
"""
from __future__ import annotations

import json
import sys


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
    from moto.iam import access_control
    from moto.s3.models import FakeBucket
    from moto.s3.responses import ActionResult, S3Response

    from .. import moto_sts_trust

    moto_sts_trust.patch()

    original_conditions = access_control.IAMPolicyStatement._check_conditions

    def check_conditions(self, incoming):
        # Called with the request's values only when a trust policy is judged (identity policies pass None).
        if incoming is not None:
            for key in (self._statement.get("Condition") or {}).get("StringEquals", {}):
                if key not in incoming:
                    return False
        return original_conditions(self, incoming)

    access_control.IAMPolicyStatement._check_conditions = check_conditions

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
