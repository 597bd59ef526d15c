"""One schema: the registry's DynamoDB names in dev.costlink.common.RegistrySchema agree with vendor.yaml's tables
(key schemas, TTL attribute, the environment names that point the functions at them) and with the tenant CLI."""
import pytest

from conftest import ROOT
from costlink_tools.cfn_model import load_template
from costlink_tools.tenant import tenant_item
from support.registry_schema import constants

SCHEMA = constants()
VENDOR = load_template(ROOT / "vendor.yaml")

# Which RegistrySchema constants are each table's HASH and RANGE key.
KEYS = {"Tenants": ("KEY", None), "Connections": ("TENANT", "CONNECTION"),
        "Deliveries": ("TENANT_ACCOUNT", "EXPORT"), "Events": ("EVENT_ID", None)}


def table_of(schema_class: str) -> dict:
    """The vendor.yaml table the registry function's environment variable TABLE_ENV points at."""
    env = VENDOR["Resources"]["RegistryFunction"]["Properties"]["Environment"]["Variables"]
    ref = env[SCHEMA[schema_class]["TABLE_ENV"]]
    return VENDOR["Resources"][ref["Ref"]]


def test_the_schema_source_was_read():
    assert set(KEYS) <= set(SCHEMA)
    assert SCHEMA["Connections"]["HISTORY_LIMIT"] == 50 and SCHEMA["Events"]["EVENT_MEMORY_SECONDS"] == 35 * 24 * 3600


@pytest.mark.parametrize("schema_class", sorted(KEYS))
def test_key_attributes_match_vendor_yaml(schema_class):
    table = table_of(schema_class)
    assert table["Type"] == "AWS::DynamoDB::Table"
    hash_const, range_const = KEYS[schema_class]
    expected = [{"AttributeName": SCHEMA[schema_class][hash_const], "KeyType": "HASH"}]
    if range_const:
        expected.append({"AttributeName": SCHEMA[schema_class][range_const], "KeyType": "RANGE"})
    assert table["Properties"]["KeySchema"] == expected
    defined = {d["AttributeName"] for d in table["Properties"]["AttributeDefinitions"]}
    index_keys = {k["AttributeName"] for i in table["Properties"].get("GlobalSecondaryIndexes", [])
                  for k in i["KeySchema"]}
    assert defined == {k["AttributeName"] for k in expected} | index_keys


def test_the_connections_index_by_stack_is_the_schemas():
    """A delivery's tenant is found through the connections its stack registered (RegistrySchema.Connections)."""
    connections = SCHEMA["Connections"]
    indexes = table_of("Connections")["Properties"]["GlobalSecondaryIndexes"]
    assert indexes == [{"IndexName": connections["BY_STACK_INDEX"],
                        "KeySchema": [{"AttributeName": connections["STACK_ID"], "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "KEYS_ONLY"}}]
    assert {"AttributeName": connections["STACK_ID"], "AttributeType": "S"} in table_of("Connections")[
        "Properties"]["AttributeDefinitions"]


def test_events_expire_by_the_schemas_ttl_attribute():
    ttl = table_of("Events")["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": SCHEMA["Events"]["EXPIRES_AT"], "Enabled": True}


def test_every_function_finds_the_tables_by_the_schemas_environment_names():
    names = {SCHEMA[c]["TABLE_ENV"]: c for c in KEYS}
    for logical, res in VENDOR["Resources"].items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        for var, value in res["Properties"].get("Environment", {}).get("Variables", {}).items():
            if var.endswith("_TABLE"):
                assert var in names, f"{logical}: {var} is not a RegistrySchema TABLE_ENV"
                assert VENDOR["Resources"][value["Ref"]] is table_of(names[var]), f"{logical}: {var}"


def test_the_tenant_cli_writes_the_schemas_names():
    item = tenant_item("cl-example", "Acme", 1767225600)
    tenants = SCHEMA["Tenants"]
    assert set(item) == {tenants[k] for k in ("KEY", "EXTERNAL_ID", "NAME", "STATUS", "CREATED_AT")}
    assert item[tenants["STATUS"]] == {"S": tenants["ACTIVE"]}


def test_a_renamed_key_would_be_caught(tmp_path):
    source = (ROOT / "functions/common/src/main/java/dev/costlink/common/RegistrySchema.java").read_text()
    renamed = tmp_path / "RegistrySchema.java"
    renamed.write_text(source.replace('String CONNECTION = "connection";', 'String CONNECTION = "connectionKey";'))
    assert constants(renamed)["Connections"]["CONNECTION"] == "connectionKey"
    assert constants(renamed)["Connections"]["CONNECTION"] != table_of("Connections")["Properties"]["KeySchema"][1][
        "AttributeName"]
