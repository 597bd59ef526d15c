"""CloudWatch's embedded metric format (EMF): a strict validator for one log line, and the collector that finds the
EMF lines in a function's output (stdout and stderr as the local Lambda runner captures them).

The rules are AWS's "Specification: Embedded metric format" (CloudWatch User Guide: document structure and its JSON
schema); where CloudWatch's own API is stricter than the specification, the API's limit is used, because a line the
specification accepts but PutMetricData refuses still loses its metrics (botocore's cloudwatch service model:
Namespace and MetricName 1-255 characters, StandardUnit, StorageResolution 1 or 60, values within +-2^360; the
Dimension shape: ASCII, at least one non-whitespace character, no control characters, names not starting with ':').
"""
from __future__ import annotations

import json
import math
import re

# PutLogEvents: "Each log event can be no larger than 1 MB", and a batch counts 26 bytes per event on top of its
# message, so the largest message a batch of one can carry is 1,048,576 - 26 bytes.
MAX_EVENT_BYTES = 1_048_576 - 26
MAX_DIRECTIVE_METRICS = 100
MAX_DIMENSION_SET_KEYS = 30
MAX_DIMENSION_KEY_CHARS = 250      # the specification's schema (DimensionReference maxLength)
MAX_DIMENSION_VALUE_CHARS = 1024
MAX_NAME_CHARS = 255               # Namespace and MetricName in CloudWatch's API (the schema allows 1024)
MAX_VALUES_PER_METRIC = 100        # "Numeric array metric targets MUST NOT have more than 100 members"
MAX_ABS_VALUE = 2.0 ** 360
STANDARD_UNITS = frozenset({
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
    "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
    "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
    "Gigabits/Second", "Terabits/Second", "Count/Second", "None"})
STORAGE_RESOLUTIONS = (1, 60)
# CloudWatch concepts, Namespaces: alphanumerics, period, hyphen, underscore, slash, hash, colon and space.
NAMESPACE = re.compile(r"[0-9A-Za-z._/#: -]+")

METADATA_MEMBERS = {"Timestamp", "CloudWatchMetrics"}
DIRECTIVE_MEMBERS = {"Namespace", "Dimensions", "Metrics"}
DEFINITION_MEMBERS = {"Name", "Unit", "StorageResolution"}


class EmfError(ValueError):
    """A line CloudWatch would not turn into the metrics it declares. `problems` lists every reason found."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def validate_line(line: str | bytes) -> dict:
    """The parsed document of a valid EMF line; raises EmfError naming every problem otherwise."""
    found, document = _check(line)
    if found:
        raise EmfError(found)
    return document


def problems(line: str | bytes) -> list[str]:
    return _check(line)[0]


def emf_lines(output: str) -> list[dict]:
    """Every EMF document in a function's output, validated. A line is taken for EMF when it is a JSON object with an
    `_aws` member (or looks like one: starts with '{' and names "_aws"), so a broken EMF line fails loudly instead of
    passing for an ordinary log line."""
    found = []
    for raw in output.splitlines():
        line = raw.strip()
        if line.startswith("{") and '"_aws"' in line:
            found.append(validate_line(line))
    return found


def emitted_metrics(documents: list[dict]) -> set[tuple[str, str, frozenset[str]]]:
    """(namespace, metric name, dimension keys) of every metric the documents make CloudWatch create: one per metric
    and dimension set of each directive."""
    out = set()
    for doc in documents:
        for directive in doc["_aws"]["CloudWatchMetrics"]:
            for dimension_set in directive["Dimensions"]:
                for definition in directive["Metrics"]:
                    out.add((directive["Namespace"], definition["Name"], frozenset(dimension_set)))
    return out


# ---------------------------------------------------------------------------------------------------- the rules
def _check(line: str | bytes) -> tuple[list[str], dict | None]:
    text = line.decode("utf-8") if isinstance(line, bytes) else line
    size = len(text.encode("utf-8"))
    if size > MAX_EVENT_BYTES:
        return [f"the line is {size} bytes, more than a log event may hold ({MAX_EVENT_BYTES})"], None
    if not (text.startswith("{") and text.endswith("}")):
        return ["the line must be one JSON object with nothing before or after it"], None
    try:
        document = json.loads(text, object_pairs_hook=_unique_members, parse_constant=_no_constant)
    except ValueError as e:
        return [f"not valid JSON: {e}"], None
    found: list[str] = []
    metadata = document.get("_aws")
    if not isinstance(metadata, dict):
        return ["the root needs an `_aws` object"], document
    _no_extra(metadata, METADATA_MEMBERS, "_aws", found)
    timestamp = metadata.get("Timestamp")
    if "Timestamp" not in metadata:
        found.append("_aws.Timestamp is missing")
    elif not _is_integer(timestamp) or timestamp < 0:
        found.append("_aws.Timestamp must be a whole number of milliseconds since the epoch")
    directives = metadata.get("CloudWatchMetrics")
    if not isinstance(directives, list):
        found.append("_aws.CloudWatchMetrics must be an array of metric directives")
    elif not directives:
        found.append("_aws.CloudWatchMetrics is empty: the line declares no metric")
    else:
        for i, directive in enumerate(directives):
            _check_directive(document, directive, f"_aws.CloudWatchMetrics[{i}]", found)
    return found, document


def _check_directive(root: dict, directive, where: str, found: list[str]) -> None:
    if not isinstance(directive, dict):
        found.append(f"{where} must be an object")
        return
    _no_extra(directive, DIRECTIVE_MEMBERS, where, found)
    for member in sorted(DIRECTIVE_MEMBERS - directive.keys()):
        found.append(f"{where}.{member} is missing")
    if "Namespace" in directive:
        _check_namespace(directive["Namespace"], f"{where}.Namespace", found)
    dimension_keys: set[str] = set()
    if "Dimensions" in directive:
        dimension_keys = _check_dimensions(root, directive["Dimensions"], f"{where}.Dimensions", found)
    if "Metrics" in directive:
        _check_metrics(root, directive["Metrics"], dimension_keys, f"{where}.Metrics", found)


def _check_namespace(namespace, where: str, found: list[str]) -> None:
    if not isinstance(namespace, str) or not 1 <= len(namespace) <= MAX_NAME_CHARS:
        found.append(f"{where} must be a string of 1-{MAX_NAME_CHARS} characters")
    elif not NAMESPACE.fullmatch(namespace) or not namespace.strip() or namespace.startswith(":"):
        found.append(f"{where} holds characters CloudWatch does not allow in a namespace")
    elif namespace.startswith("AWS/"):
        found.append(f"{where} must not begin with AWS/ (reserved for AWS services)")


def _check_dimensions(root: dict, sets, where: str, found: list[str]) -> set[str]:
    keys: set[str] = set()
    if not isinstance(sets, list) or not sets:
        found.append(f"{where} must be a non-empty array of dimension sets (an empty set [] means no dimension)")
        return keys
    for i, dimension_set in enumerate(sets):
        here = f"{where}[{i}]"
        if not isinstance(dimension_set, list):
            found.append(f"{here} must be an array of dimension keys")
            continue
        if len(dimension_set) > MAX_DIMENSION_SET_KEYS:
            found.append(f"{here} has {len(dimension_set)} keys, more than {MAX_DIMENSION_SET_KEYS}")
        if len(set(map(str, dimension_set))) != len(dimension_set):
            found.append(f"{here} names a dimension twice")
        for key in dimension_set:
            if not isinstance(key, str) or not 1 <= len(key) <= MAX_DIMENSION_KEY_CHARS:
                found.append(f"{here}: a dimension key must be a string of 1-{MAX_DIMENSION_KEY_CHARS} characters")
                continue
            if not _api_text(key) or key.startswith(":"):
                found.append(f"{here}: dimension key {key!r} is not a valid CloudWatch dimension name")
            keys.add(key)
            value = root.get(key)
            if key not in root:
                found.append(f"{here}: the dimension {key!r} has no member at the root")
            elif not isinstance(value, str):
                found.append(f"the dimension {key!r} must have a string value at the root")
            elif not 1 <= len(value) <= MAX_DIMENSION_VALUE_CHARS or not _api_text(value):
                found.append(f"the dimension {key!r} has a value CloudWatch refuses (1-{MAX_DIMENSION_VALUE_CHARS} "
                             "ASCII characters, not only whitespace, no control characters)")
    return keys


def _check_metrics(root: dict, definitions, dimension_keys: set[str], where: str, found: list[str]) -> None:
    if not isinstance(definitions, list):
        found.append(f"{where} must be an array of metric definitions")
        return
    if not definitions:
        found.append(f"{where} is empty: the directive declares no metric")
    if len(definitions) > MAX_DIRECTIVE_METRICS:
        found.append(f"{where} has {len(definitions)} metric definitions, more than {MAX_DIRECTIVE_METRICS}")
    names = []
    for i, definition in enumerate(definitions):
        here = f"{where}[{i}]"
        if not isinstance(definition, dict):
            found.append(f"{here} must be an object")
            continue
        _no_extra(definition, DEFINITION_MEMBERS, here, found)
        name = definition.get("Name")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_CHARS:
            found.append(f"{here}.Name must be a string of 1-{MAX_NAME_CHARS} characters")
            continue
        names.append(name)
        if "Unit" in definition and definition["Unit"] not in STANDARD_UNITS:
            found.append(f"{here}.Unit is not a CloudWatch unit")
        if "StorageResolution" in definition and (not _is_integer(definition["StorageResolution"])
                                                  or definition["StorageResolution"] not in STORAGE_RESOLUTIONS):
            found.append(f"{here}.StorageResolution must be 1 or 60")
        if name in dimension_keys:
            found.append(f"{here}: {name!r} is both a dimension and a metric of the directive")
        elif name not in root:
            found.append(f"{here}: the metric {name!r} has no member at the root")
        else:
            _check_metric_value(name, root[name], found)
    if len(set(names)) != len(names):
        found.append(f"{where} declares a metric twice")


def _check_metric_value(name: str, value, found: list[str]) -> None:
    values = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not 1 <= len(value) <= MAX_VALUES_PER_METRIC:
        found.append(f"the metric {name!r} must have 1-{MAX_VALUES_PER_METRIC} values")
    for v in values:
        if not _is_number(v):
            found.append(f"the metric {name!r} must be a number or an array of numbers")
            return
        if abs(v) > MAX_ABS_VALUE:
            found.append(f"the metric {name!r} has a value outside CloudWatch's range (+-2^360)")
            return


# ---------------------------------------------------------------------------------------------------- helpers
def _no_extra(obj: dict, allowed: set[str], where: str, found: list[str]) -> None:
    extra = sorted(set(obj) - allowed)
    if extra:
        found.append(f"{where} has members the specification does not define: {', '.join(extra)}")


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_integer(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _api_text(s: str) -> bool:
    return s.isascii() and bool(s.strip()) and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in s)


def _unique_members(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("an object names the same member twice")
    return dict(pairs)


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")
