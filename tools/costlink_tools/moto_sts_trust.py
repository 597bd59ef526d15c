"""moto's server with STS's trust check for roles in other accounts (docs/emulator-notes.md, "Cross-account
AssumeRole").

moto 5.2.5 (IAM authorisation on) evaluates a role's trust policy only when the role is in the caller's own account:
it looks the role up in the caller's IAM backend, finds nothing for a role of another account, and lets the
AssumeRole through whatever the trust policy says (a wrong ExternalId included), and it never matches an account-root
principal (`arn:aws:iam::<account>:root`). STS does both: the role of any account is judged by its own trust policy,
and a root principal stands for every identity of that account whose own policies allow sts:AssumeRole.

This module patches exactly those two places and runs `moto.server`, so the organisation tests meet what STS refuses:
a member role whose trust holds another ExternalId, a role that does not exist (STS refuses it too), a trust naming
another account. Run as `python -m costlink_tools.moto_sts_trust -H 127.0.0.1 -p PORT` (moto.server's arguments).
"""
from __future__ import annotations

import sys

from moto.iam import access_control
from moto.iam.models import iam_backends
from moto.iam.utils import REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK, format_incoming_conditional_values

_ORIGINAL_CHECK_PRINCIPAL = access_control.IAMPolicyStatement._check_principal


def _role(role_arn: str):
    """The role an ARN names, from its own account's IAM backend (None when it does not exist)."""
    parts = role_arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    try:
        return iam_backends[parts[4]][parts[1]].get_role_by_arn(role_arn)
    except Exception:  # moto's NotFoundException (and a malformed account id) mean: no such role
        return None


def _is_assuming_role_operation(self, resource_arn: str) -> bool:
    return self._action in REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK and ":role/" in resource_arn


def _check_role_trust_relationship(self, role_arn: str) -> bool:
    role = _role(role_arn)
    if role is None:
        return False
    policy = access_control.IAMPolicy(role.assume_role_policy_document)
    result = policy.is_action_permitted(self._action, role_arn, self._access_key.arn,
                                        format_incoming_conditional_values(self._data))
    return result == access_control.PermissionResult.PERMITTED


def _check_principal(self, principal: str) -> bool:
    if _ORIGINAL_CHECK_PRINCIPAL(self, principal):
        return True
    expected = (self._statement.get("Principal") or {}).get("AWS")
    expected = [expected] if isinstance(expected, str) else list(expected or [])
    parts = principal.split(":")
    return len(parts) > 4 and f"arn:{parts[1]}:iam::{parts[4]}:root" in expected


def patch() -> None:
    from . import moto_dynamodb_lock

    moto_dynamodb_lock.patch()  # the organisation suites and the local cloud run concurrent verifier workers
    access_control.IAMRequestBase._is_assuming_role_operation = _is_assuming_role_operation
    access_control.IAMRequestBase._check_role_trust_relationship = _check_role_trust_relationship
    access_control.IAMPolicyStatement._check_principal = _check_principal


if __name__ == "__main__":
    patch()
    from moto.server import main
    main(sys.argv[1:])
