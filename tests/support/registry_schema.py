"""dev.costlink.common.RegistrySchema's constants, read from its source, so Python tests use the names Java writes."""
from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "functions" / "common" / "src" / "main" / "java" / "dev" / "costlink" \
    / "common" / "RegistrySchema.java"

_CLASS = re.compile(r"public static final class (\w+) \{")
_STRING = re.compile(r'public static final String (\w+) = "([^"]*)";')
_INT = re.compile(r"public static final (?:int|long) (\w+) = ([0-9L *+]+);")


def _arithmetic(expression: str) -> int:
    """A constant such as `35L * 24 * 3600`: sums of products of integer literals."""
    total = 0
    for term in expression.replace("L", "").split("+"):
        product = 1
        for factor in term.split("*"):
            product *= int(factor)
        total += product
    return total


def constants(source: Path = SOURCE) -> dict[str, dict[str, object]]:
    """{"Connections": {"TENANT": "tenant", "HISTORY_LIMIT": 50, ...}, ...}: each nested class's literal constants."""
    out: dict[str, dict[str, object]] = {}
    current = None
    for line in source.read_text().splitlines():
        if m := _CLASS.search(line):
            current = out.setdefault(m.group(1), {})
        elif current is not None and (m := _STRING.search(line)):
            current[m.group(1)] = m.group(2)
        elif current is not None and (m := _INT.search(line)):
            current[m.group(1)] = _arithmetic(m.group(2))
    return out
