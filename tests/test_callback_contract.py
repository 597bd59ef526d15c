"""The OpenAPI document is valid OpenAPI 3.1, and its schemas say what the contract says."""
import copy

import pytest
from jsonschema import ValidationError
from openapi_spec_validator import validate as validate_spec

from support.contract import DOC, _document, validate

EXAMPLE = {
    "type": "connection.created", "id": "evt_" + "a" * 40, "occurredAt": "2026-11-22T09:00:00.123Z",
    "externalIdSha256": "b" * 64, "accountId": "111122223333", "partition": "aws", "region": "us-east-1",
    "stackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/CostLink/x",
    "connection": {"roleArn": "arn:aws:iam::111122223333:role/CostLink-ReadAccess",
                   "connectionId": "costlink-111122223333-0123456789abcdef", "accountType": "Linked",
                   "deploymentScenario": "LinkedAccount", "permissionSets": ["core"]},
}
PAYER = copy.deepcopy(EXAMPLE)
PAYER["connection"].update(
    accountType="Root", deploymentScenario="NewBucketNewExport", bucket="acme-costlink-cur", curVersion="CUR2",
    exportName="CostLink-CUR-Export", focusExportName="CostLink-FOCUS-Export",
    focusExportArn="arn:aws:bcm-data-exports:us-east-1:111122223333:export/CostLink-FOCUS-Export-2a7c9e41",
    prefixes={"cur": "reports/cur2", "focus": "reports/focus"}, permissionSets=["core", "cur-bucket-read"],
    deliveryFailuresQueueUrl="https://sqs.us-east-1.amazonaws.com/111122223333/CostLink-DeliveryFailures-1A2B3C",
    organization={"organizationId": "o-a1b2c3d4e5", "managementAccountId": "111122223333",
                  "deploymentAccount": "ManagementAccount",
                  "stackSetId": "CostLink-MemberRoles:5d5a5d3c-1111-2222-3333-444455556666",
                  "targets": ["r-ab12", "ou-ab12-cdef3456"], "memberRoleName": "CostLink-MemberReadAccess",
                  "memberPermissionSets": ["core", "tag-management"]})


def test_openapi_document_is_valid():
    validate_spec(_document())


def test_example_event_is_valid():
    validate("ConnectionEvent", EXAMPLE)


def test_a_payer_with_focus_and_an_organisation_is_valid():
    validate("ConnectionEvent", PAYER)
    without_lookup = copy.deepcopy(PAYER)
    for key in ("organizationId", "managementAccountId"):
        del without_lookup["connection"]["organization"][key]   # DescribeOrganization failed or was slow
    validate("ConnectionEvent", without_lookup)


@pytest.mark.parametrize("path,value", [
    (("connection", "connectionId"), "costlink-111122223333-XYZ"),
    (("connection", "prefixes", "focus"), ""),
    (("connection", "focusExportArn"), "arn:aws:s3:::bucket"),
    (("connection", "deliveryFailuresQueueUrl"), "http://sqs.us-east-1.amazonaws.com/111122223333/q"),
    (("connection", "organization", "organizationId"), "org-1"),
    (("connection", "organization", "managementAccountId"), "12345"),
    (("connection", "organization", "deploymentAccount"), "Anywhere"),
    (("connection", "organization", "targets"), []),
    (("connection", "organization", "targets"), ["ou-ab12"]),
    (("connection", "organization", "memberRoleName"), "role/with/slashes"),
    (("connection", "organization", "memberPermissionSets"), ["core", "cur-bucket-read"]),   # never for members
    (("connection", "organization", "unexpected"), 1),
])
def test_schema_rejects_bad_payer_facts(path, value):
    with pytest.raises(ValidationError):
        validate("ConnectionEvent", changed(PAYER, path, value))


def test_every_connection_event_names_its_connection_id():
    body = copy.deepcopy(EXAMPLE)
    del body["connection"]["connectionId"]
    with pytest.raises(ValidationError):
        validate("ConnectionEvent", body)


@pytest.mark.parametrize("path,value", [
    (("connection", "bucket"), ""),                  # absent facts are omitted, never empty
    (("type",), "connection.renamed"),
    (("externalIdSha256",), "not-hex"),
    (("connection", "permissionSets"), ["core", "root-access"]),
    (("unexpected",), 1),
])
def test_schema_rejects_what_the_contract_forbids(path, value):
    with pytest.raises(ValidationError):
        validate("ConnectionEvent", changed(EXAMPLE, path, value))


def changed(event, path, value):
    """A copy of `event` with the member at `path` set to `value`."""
    body = copy.deepcopy(event)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


def _permission_set_names(join):
    """The names a template's !Join of permission sets can produce: plain strings and the names inside each !If."""
    names = []
    for item in join["Fn::Join"][1]:
        if isinstance(item, str):
            names.append(item)
        else:
            names.extend(v for v in item["Fn::If"][1:] if isinstance(v, str))
    return names


def test_the_contracts_permission_sets_are_the_reference_sets_and_the_templates():
    import json
    from conftest import SHARED
    enum = _document()["components"]["schemas"]["Connection"]["properties"]["permissionSets"]["items"]["enum"]
    reference = json.loads((SHARED / "reference" / "permission-sets.json").read_text())["sets"]
    assert sorted(enum) == sorted(reference)
    from conftest import ROOT
    from costlink_tools.cfn_model import load_template
    template = load_template(ROOT / "template.yaml")
    assert sorted(_permission_set_names(template["Resources"]["ConnectionCallback"]["Properties"]["PermissionSets"])) \
        == sorted(enum)


def test_the_human_readable_contracts_examples_are_valid():
    import json
    import re
    text = (DOC.parent / "callback-contract.md").read_text()
    examples = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    assert [e["type"].split(".")[0] for e in examples] == ["connection", "delivery"]
    for example in examples:
        validate("ConnectionEvent" if example["type"].startswith("connection.") else "DeliveryEvent", example)


def test_the_contract_names_the_registrys_facts():
    """The connection object's names are the ones the registry stores (RegistrySchema.Facts and .Organization)."""
    from support.registry_schema import constants
    schema = constants()
    schemas = _document()["components"]["schemas"]
    connection = schemas["Connection"]["properties"]
    prefixes = {schema["Facts"][k] for k in ("CUR_PREFIX", "CARBON_PREFIX", "FOCUS_PREFIX")}
    assert set(connection["prefixes"]["properties"]) == prefixes
    values = {schema["Facts"][k] for k in ("CUR1", "CUR2")}
    assert set(schema["Facts"].values()) - prefixes - values <= set(connection)
    assert set(schemas["Organization"]["properties"]) == set(schema["Organization"].values())
