"""One DynamoDB request at a time in moto's server (docs/emulator-notes.md, "Concurrent DynamoDB transactions").

moto 5.2.5 runs each request on its own thread, and TransactWriteItems deep-copies the tables (its rollback copy)
while other threads' requests change them: under concurrent writers it fails with "dictionary changed size during
iteration", an HTTP 500 that DynamoDB never answers for that. The verifier worker writes concurrently (a batch's
messages side by side), as DynamoDB allows, so the servers the tests and the local cloud run take DynamoDB requests
one at a time; every other service keeps moto's threads.
"""
from __future__ import annotations

import threading

_LOCK = threading.Lock()
_patched = False


def patch() -> None:
    global _patched
    if _patched:
        return
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.call_action

    def call_action(self):
        with _LOCK:
            return original(self)

    DynamoHandler.call_action = call_action
    _patched = True
