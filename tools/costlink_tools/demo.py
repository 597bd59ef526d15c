"""The main job, locally and end to end, on real parts: a tenant is onboarded, its connection stack's callback reports
the stack's create, update and delete to the vendor's registry, and a CUR 2.0 delivery is validated and recorded.

Every function runs from `sam build`'s output under the Lambda Runtime Interface Emulator; AWS is the local moto
server (S3 for the pre-signed ResponseURL and the billing bucket, DynamoDB for the registry); the registry is reached
through a local function URL. Prints what CloudFormation reads back, and what the registry holds afterwards.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import uuid
from argparse import Namespace

from .cfn_model import ROOT, load_template
from .function_url import FunctionUrl
from .lambda_runner import FAKE_CREDENTIALS, FunctionSpec, LambdaRunner
from .moto_server import MotoServer

BUCKET = "acme-costlink-cur"
EMULATOR_ACCOUNT = "012345678912"
EXPORT = "CostLink-CUR-Export"
TABLE_ENV = {"TenantsTable": "COSTLINK_TENANTS_TABLE", "ConnectionsTable": "COSTLINK_CONNECTIONS_TABLE",
             "DeliveriesTable": "COSTLINK_DELIVERIES_TABLE", "EventsTable": "COSTLINK_EVENTS_TABLE"}


def create_tables(moto, suffix: str = "") -> dict:
    """The vendor stack's tables on the emulator, from vendor.yaml's own key schemas (moto skips KMS encryption)."""
    ddb = moto.client("dynamodb")
    names = {}
    for logical, res in load_template(ROOT / "vendor.yaml")["Resources"].items():
        if res["Type"] == "AWS::DynamoDB::Table":
            p = res["Properties"]
            names[logical] = f"costlink-{logical}{suffix}"
            ddb.create_table(TableName=names[logical], AttributeDefinitions=p["AttributeDefinitions"],
                             KeySchema=p["KeySchema"], BillingMode=p["BillingMode"])
    return names


def onboard(moto, tables, registry_url) -> str:
    from . import tenant
    out = io.StringIO()
    import contextlib
    with contextlib.redirect_stdout(out):
        tenant.create(Namespace(name="Acme Corp", template_url="https://artifacts.example.com/packaged.yaml",
                                stack_name="", region="us-east-1", endpoint_url=moto.endpoint,
                                tenants_table=tables["TenantsTable"], callback_url=registry_url,
                                vendor_account_id="999988887777"))
    text = out.getvalue()
    external_id = text.split("shown once, give it only to this customer): ")[1].split()[0]
    print("== Tenant onboarded: " + text.splitlines()[0])
    print("   quick-create link: " + text.strip().splitlines()[-1][:140] + "...")
    return external_id


def write_delivery(s3) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq
    columns = ["identity_line_item_id", "line_item_usage_account_id", "line_item_product_code",
               "line_item_unblended_cost"]
    keys = []
    for i in (1, 2):
        table = pa.table({"identity_line_item_id": [f"id{i}-{n}" for n in range(5)],
                          "line_item_usage_account_id": ["111122223333"] * 5,
                          "line_item_product_code": ["AmazonEC2"] * 5,
                          "line_item_unblended_cost": [0.5 * n for n in range(5)]})
        buf = io.BytesIO()
        pq.write_table(table, buf)
        key = f"reports/cur2/{EXPORT}/data/BILLING_PERIOD=2026-05/{EXPORT}-{i:05d}.snappy.parquet"
        s3.put_object(Bucket=BUCKET, Key=key, Body=buf.getvalue())
        keys.append(key)
    manifest_key = f"reports/cur2/{EXPORT}/metadata/BILLING_PERIOD=2026-05/{EXPORT}-Manifest.json"
    s3.put_object(Bucket=BUCKET, Key=manifest_key, Body=json.dumps({
        "executionId": str(uuid.uuid4()), "columns": [{"name": c, "type": "string"} for c in columns],
        "dataFiles": [f"s3://{BUCKET}/{k}" for k in keys]}).encode())
    return manifest_key


def deliver(s3, registry_url, external_id):
    manifest_key = write_delivery(s3)
    env = json.loads((ROOT / "events" / "env.json").read_text())["DeliveryDetectorFunction"]
    env.update(COSTLINK_CALLBACK_URL=registry_url, COSTLINK_EXTERNAL_ID=external_id,
               AWS_ENDPOINT_URL=s3.meta.endpoint_url)
    event = json.loads((ROOT / "events" / "delivery-cur2.json").read_text())
    with LambdaRunner(FunctionSpec.from_template("DeliveryDetectorFunction"), env=env) as runner:
        result = runner.invoke(event).json()
    print(f"== CUR 2.0 delivery {manifest_key}")
    print(f"   detector: {json.dumps(result['deliveries'])}")


def main(argv=None) -> int:
    argparse.ArgumentParser(prog="costlink demo", description=__doc__).parse_args(argv)
    os.environ.update(FAKE_CREDENTIALS)
    with MotoServer() as moto:
        s3 = moto.client("s3")
        s3.create_bucket(Bucket="cfn-responses")
        s3.create_bucket(Bucket=BUCKET)
        tables = create_tables(moto)
        registry = LambdaRunner(FunctionSpec.from_template("RegistryFunction", ROOT / "vendor.yaml"),
                                code_dir=ROOT / ".aws-sam" / "vendor" / "RegistryFunction",
                                env={**{TABLE_ENV[k]: v for k, v in tables.items()},
                                     "AWS_ENDPOINT_URL": moto.endpoint}).start()
        url = FunctionUrl(registry)
        try:
            external_id = onboard(moto, tables, url.url)
            callback = FunctionSpec.from_template("ConnectionCallbackFunction")
            # The stack runs in the account the Lambda emulator gives every function (the detector reports that one),
            # and the delivery arrives while the connection is ACTIVE: the registry refuses any other (409).
            physical_id = None
            for name in ("connection-create.json", "connection-update.json", "delivery", "connection-delete.json"):
                if name == "delivery":
                    deliver(s3, url.url, external_id)
                    continue
                event = json.loads((ROOT / "events" / name).read_text().replace("111122223333", EMULATOR_ACCOUNT))
                key = f"responses/{uuid.uuid4()}"
                event["ResponseURL"] = s3.generate_presigned_url(
                    "put_object", Params={"Bucket": "cfn-responses", "Key": key}, ExpiresIn=3600)
                event["ResourceProperties"].update(CallbackUrl=url.url, ExternalId=external_id)
                if physical_id:  # as CloudFormation does: the id the Create answered
                    event["PhysicalResourceId"] = physical_id
                with LambdaRunner(callback, env={"AWS_ENDPOINT_URL": moto.endpoint}) as runner:
                    invocation = runner.invoke(event)
                answer = json.loads(s3.get_object(Bucket="cfn-responses", Key=key)["Body"].read())
                print(f"== Stack {event['RequestType']} ({name}), {invocation.seconds * 1000:.0f} ms incl. cold start")
                physical_id = answer["PhysicalResourceId"]
                print(f"   CloudFormation reads: {answer['Status']}, PhysicalResourceId {answer['PhysicalResourceId']}"
                      + (f", CallbackStatus {answer['Data']['CallbackStatus']}" if answer.get("Data") else ""))

            tenant_hash = hashlib.sha256(external_id.encode()).hexdigest()
            ddb = moto.client("dynamodb")
            print("== The registry now holds")
            for item in ddb.scan(TableName=tables["ConnectionsTable"])["Items"]:
                history = [h["M"]["type"]["S"] for h in item["history"]["L"]]
                print(f"   connection {item['connection']['S']}: {item['status']['S']}, history {history}")
            for item in ddb.scan(TableName=tables["DeliveriesTable"])["Items"]:
                last = item["lastDelivery"]["M"]
                print(f"   delivery {item['export']['S']} {last['billingPeriod']['S']}: {last['type']['S']}, "
                      f"{last['fileCount']['N']} files, {last['totalRows']['N']} rows")
            assert all(i["tenant"]["S"] == tenant_hash for i in ddb.scan(TableName=tables["ConnectionsTable"])["Items"])
            print("\nNo ExternalId left the customer's account: events carry only its SHA-256.")
        finally:
            url.stop()
            registry.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
