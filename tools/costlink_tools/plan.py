"""`costlink plan`: what the connection stack would create for one scenario, read from template.yaml itself."""
from __future__ import annotations

import argparse
import json

from .cfn_model import Stack, load_template

EXAMPLE = {
    "VendorAccountId": "999988887777",
    "ExternalId": "example-external-id",
    "CallbackUrl": "https://vendor.example.com/costlink/callback",
}
STACK_SET = "MemberRoleStackSet"
MEMBER_ACCOUNT = "<member-account>"
OPT_INS = {"ec2-start-stop": "EnableEC2StartStop", "commitment-purchase": "EnableCommitmentPurchase",
           "tag-management": "EnableTagManagement", "automation": "EnableAutomation"}


def describe(name: str, res: dict) -> str:
    props = res["Properties"]
    kind = res["Type"]
    if kind == "AWS::IAM::Role":
        principal = props["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        if "AWS" in principal:
            return f"role {props['RoleName']}, assumable only by {principal['AWS']} with the ExternalId"
        actions = sorted({a for p in props.get("Policies", []) for st in p["PolicyDocument"]["Statement"]
                          for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])})
        return f"execution role for {principal['Service']}: {', '.join(actions)}"
    if kind == "AWS::Serverless::Function":
        return f"{props['Runtime']} function {props['Handler'].split('::')[0].rsplit('.', 1)[-1]}, " \
               f"{props['MemorySize']} MB, {props['Timeout']} s"
    if kind == "AWS::Logs::LogGroup":
        return f"log group, {props['RetentionInDays']} days retention"
    if kind == "AWS::SQS::Queue":
        return "queue for delivery events the vendor could not take (encrypted, 14 days)"
    if kind == "AWS::SQS::QueuePolicy":
        return "queue policy: TLS only"
    if kind == "AWS::Lambda::Permission":
        return f"lets {props['Principal']} invoke the delivery detector"
    if kind == "AWS::Events::Rule":
        keys = [k.get("wildcard") for k in props["EventPattern"]["detail"]["object"]["key"]]
        return f"EventBridge rule: Object Created in the existing bucket matching {', '.join(keys)}"
    if kind.startswith("Custom::"):
        return f"custom resource: reports the connection to {props['CallbackUrl']} (signed)"
    if kind == "AWS::CloudFormation::StackSet":
        targets = ", ".join(props["StackInstancesGroup"][0]["DeploymentTargets"]["OrganizationalUnitIds"])
        prefs = props["OperationPreferences"]
        return (f"StackSet {props['StackSetName']} ({props['PermissionModel']}, CallAs {props['CallAs']}): the member "
                f"role in every account of {targets}, and in accounts that join them, in "
                f"{', '.join(props['StackInstancesGroup'][0]['Regions'])}; {prefs['MaxConcurrentPercentage']}% of "
                f"accounts at once, stops beyond {prefs['FailureTolerancePercentage']}% failed")
    if kind in ("AWS::IAM::RolePolicy", "AWS::IAM::Policy"):
        statements = props["PolicyDocument"]["Statement"]
        actions = sum(1 if isinstance(s["Action"], str) else len(s["Action"]) for s in statements)
        return f"inline policy {props['PolicyName']}: {actions} actions in {len(statements)} statements"
    if kind == "AWS::S3::Bucket":
        return f"bucket {props['BucketName']}: private, versioned, SSE-S3, TLS-only, retained on delete"
    if kind == "AWS::S3::BucketPolicy":
        return "bucket policy: TLS only; billing services may deliver (SourceArn/SourceAccount bound)"
    if kind == "AWS::BCMDataExports::Export":
        e = props["Export"]
        table = e["DataQuery"]["QueryStatement"].rsplit("FROM", 1)[1].strip()
        dest = e["DestinationConfigurations"]["S3Destination"]
        return f"data export {e['Name']} ({table}) -> s3://{dest['S3Bucket']}/{dest['S3Prefix']}/"
    if kind == "AWS::CUR::ReportDefinition":
        return f"CUR 1.0 report {props['ReportName']} -> s3://{props['S3Bucket']}/{props['S3Prefix']}/"
    if kind == "AWS::CloudFormation::WaitConditionHandle":
        return "ordering handle: " + ("the callback waits for policies, exports and member roles"
                                      if name == "ConnectionReady"
                                      else "exports wait for the bucket policy")
    handler = props.get("Handler")
    return f"{kind}{' ' + handler if handler else ''}"


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="costlink plan", description=__doc__)
    p.add_argument("--scenario", default="NewBucketNewExport",
                   choices=["NewBucketNewExport", "ExistingBucketNewExport", "ExistingBucketExistingExport",
                            "LinkedAccount"])
    p.add_argument("--cur-version", default="CUR2", choices=["CUR2", "CUR1"])
    p.add_argument("--carbon", action="store_true", help="enable the carbon footprint export")
    p.add_argument("--focus", action="store_true", help="enable the FOCUS 1.0 export")
    p.add_argument("--opt-in", action="append", default=[], choices=sorted(OPT_INS),
                   help="grant an optional write permission set (repeatable)")
    p.add_argument("--org-targets", default="", metavar="IDS",
                   help="Root: deploy the member role to these OUs (ou-...) or the whole organisation (r-...), "
                        "comma-separated")
    p.add_argument("--delegated-admin", action="store_true",
                   help="with --org-targets: the stack runs in a StackSets delegated administrator account")
    p.add_argument("--bucket", default="acme-costlink-cur")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--param", action="append", default=[], metavar="Name=Value",
                   help="any other template parameter (repeatable)")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    return p.parse_args(argv)


def build_stack(args) -> Stack:
    linked = args.scenario == "LinkedAccount"
    params = {**EXAMPLE, "AccountType": "Linked" if linked else "Root", "DeploymentScenario": args.scenario,
              "CURVersion": args.cur_version, "EnableCarbonFootprint": str(args.carbon).lower(),
              "EnableFocusExport": str(args.focus).lower(),
              "BucketName": "" if linked else args.bucket}
    if args.scenario == "ExistingBucketExistingExport":
        params["DataExportName"] = "Existing_CUR_Export"
    params.update({OPT_INS[o]: "true" for o in args.opt_in})
    params["OrganizationTargets"] = args.org_targets
    params["OrganizationDeploymentAccount"] = "DelegatedAdministrator" if args.delegated_admin else "ManagementAccount"
    for kv in args.param:
        key, _, value = kv.partition("=")
        params[key] = value
    return Stack(load_template(), params, region=args.region)


def main(argv=None) -> int:
    args = parse_args(argv)
    stack = build_stack(args)
    errors = stack.validation_errors()
    if errors:
        print("CloudFormation would refuse these parameters:")
        for e in errors:
            print(f"  - {e}")
        return 2
    resources = stack.rendered_resources()
    outputs = stack.outputs()
    member = (stack.stack_set_instance(STACK_SET, MEMBER_ACCOUNT).rendered_resources()
              if STACK_SET in resources else {})
    if args.json:
        plan = {"resources": {n: r["Type"] for n, r in resources.items()}, "outputs": outputs}
        if member:
            plan["member_resources"] = {n: r["Type"] for n, r in member.items()}
        print(json.dumps(plan, indent=2))
        return 0
    shown = {k: v for k, v in stack.resolved_parameters().items() if k != "ExternalId"}
    print(f"Connection stack plan ({args.region}, example account {stack.account_id}, vendor {shown['VendorAccountId']})")
    print("  " + " ".join(f"{k}={shown[k]}" for k in ("AccountType", "DeploymentScenario", "CURVersion",
                                                         "EnableCarbonFootprint", "EnableFocusExport")))
    if shown["OrganizationTargets"]:
        print(f"  OrganizationTargets={shown['OrganizationTargets']} "
              f"OrganizationDeploymentAccount={shown['OrganizationDeploymentAccount']}")
    print(f"\nCreates {len(resources)} resources:")
    width = max(len(n) for n in [*resources, *outputs])
    for name, res in resources.items():
        print(f"  {name:<{width}}  {res['Type']:<42} {describe(name, res)}")
    if member:
        print(f"\nEach target account ({MEMBER_ACCOUNT} below) gets {len(member)} resources from {STACK_SET} "
              "(member-role.yaml):")
        for name, res in member.items():
            print(f"  {name:<{width}}  {res['Type']:<42} {describe(name, res)}")
    print("\nOutputs:")
    for name, value in outputs.items():
        print(f"  {name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
