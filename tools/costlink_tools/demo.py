"""The main job, locally and end to end: the connection callback reports a stack's create, update and delete.

Runs the built function under the Lambda Runtime Interface Emulator with the events/ files, as CloudFormation would
send them, against a local AWS emulator (moto: the pre-signed ResponseURL) and a local vendor endpoint that verifies
every signature. Prints what CloudFormation reads back and what the vendor received.
"""
from __future__ import annotations

import argparse
import json
import uuid

from .cfn_model import ROOT
from .lambda_runner import FunctionSpec, LambdaRunner
from .moto_server import MotoServer
from .stand_in_vendor import Vendor


def main(argv=None) -> int:
    argparse.ArgumentParser(prog="costlink demo", description=__doc__).parse_args(argv)
    spec = FunctionSpec.from_template("ConnectionCallbackFunction")
    with MotoServer() as moto:
        s3 = moto.client("s3")
        s3.create_bucket(Bucket="cfn-responses")
        external_id = json.loads((ROOT / "events" / "connection-create.json").read_text())[
            "ResourceProperties"]["ExternalId"]
        vendor = Vendor(external_id)
        try:
            for name in ("connection-create.json", "connection-update.json", "connection-delete.json"):
                event = json.loads((ROOT / "events" / name).read_text())
                key = f"responses/{uuid.uuid4()}"
                event["ResponseURL"] = s3.generate_presigned_url(
                    "put_object", Params={"Bucket": "cfn-responses", "Key": key}, ExpiresIn=3600)
                event["ResourceProperties"]["CallbackUrl"] = vendor.url
                before = len(vendor.received)
                with LambdaRunner(spec, env={"AWS_ENDPOINT_URL": moto.endpoint}) as runner:
                    invocation = runner.invoke(event)
                answer = json.loads(s3.get_object(Bucket="cfn-responses", Key=key)["Body"].read())
                print(f"== {event['RequestType']} ({name}), {invocation.seconds * 1000:.0f} ms including cold start")
                print(f"   CloudFormation reads: Status={answer['Status']} "
                      f"PhysicalResourceId={answer['PhysicalResourceId']}")
                if answer.get("Data"):
                    print(f"   Data: {json.dumps(answer['Data'])}")
                for received in vendor.received[before:]:
                    body = received.json()
                    print(f"   vendor received {body['type']} id={body['id']} "
                          f"signature={'valid' if received.signature_valid else 'INVALID'} "
                          f"role={body['connection']['roleArn']}")
            print(f"\nThe vendor holds {len(vendor.events)} distinct events; no ExternalId left this account.")
        finally:
            vendor.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
