"""Validates bodies against the schemas of docs/callback-openapi.yaml (OpenAPI 3.1 = JSON Schema 2020-12)."""
from functools import lru_cache

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conftest import ROOT

DOC = ROOT / "docs" / "callback-openapi.yaml"


@lru_cache
def _document():
    return yaml.safe_load(DOC.read_text())


def validate(schema_name: str, body: dict) -> None:
    doc = _document()
    registry = Registry().with_resource("urn:costlink-callback", DRAFT202012.create_resource(doc))
    schema = {"$ref": f"urn:costlink-callback#/components/schemas/{schema_name}"}
    Draft202012Validator(schema, registry=registry, format_checker=FormatChecker()).validate(body)
