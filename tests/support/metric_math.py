"""A small model of how a CloudWatch metric alarm judges its data, to test what vendor.yaml's alarms do with the
numbers a quiet night, a dead scheduler or a flood of forged requests would produce.

Covers the part of CloudWatch metric math the alarms use (CloudWatch User Guide, "Metric math syntax and functions"):
numbers, metric ids, + - * /, comparisons (1 or 0), AND/&&, OR/||, NOT/!, IF(condition, a[, b]), FILL(m, value).
A data point is a float, or None when missing: arithmetic on a missing point is missing, FILL replaces it, and
division by zero is missing. Alarm evaluation: the last EvaluationPeriods points, a missing point treated as
TreatMissingData says, ALARM when at least DatapointsToAlarm of them breach.
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/()<>,!]))")
_COMPARISONS = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<=": lambda a, b: a <= b,
                ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b}


class MathError(ValueError):
    pass


def tokens(expression: str) -> list[str]:
    out, pos = [], 0
    expression = expression.rstrip()
    while pos < len(expression):
        m = _TOKEN.match(expression, pos)
        if not m:
            raise MathError(f"cannot read the expression at {expression[pos:]!r}")
        out.append(m.group(m.lastindex))
        pos = m.end()
    return out


def evaluate(expression: str, values: dict[str, float | None]) -> float | None:
    parser = _Parser(tokens(expression), values)
    result = parser.or_expr()
    if parser.pos != len(parser.tokens):
        raise MathError(f"unexpected {parser.tokens[parser.pos]!r}")
    return result


class _Parser:
    def __init__(self, toks, values):
        self.tokens, self.values, self.pos = toks, values, 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected=None):
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise MathError(f"expected {expected or 'more'}, found {tok!r}")
        self.pos += 1
        return tok

    def or_expr(self):
        left = self.and_expr()
        while self.peek() in ("OR", "||"):
            self.take()
            right = self.and_expr()
            left = None if left is None or right is None else float(bool(left) or bool(right))
        return left

    def and_expr(self):
        left = self.comparison()
        while self.peek() in ("AND", "&&"):
            self.take()
            right = self.comparison()
            left = None if left is None or right is None else float(bool(left) and bool(right))
        return left

    def comparison(self):
        left = self.additive()
        if self.peek() in _COMPARISONS:
            op = self.take()
            right = self.additive()
            return None if left is None or right is None else float(_COMPARISONS[op](left, right))
        return left

    def additive(self):
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.term()
            left = None if left is None or right is None else (left + right if op == "+" else left - right)
        return left

    def term(self):
        left = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            right = self.unary()
            if left is None or right is None or (op == "/" and right == 0):
                left = None
            else:
                left = left * right if op == "*" else left / right
        return left

    def unary(self):
        if self.peek() == "-":
            self.take()
            v = self.unary()
            return None if v is None else -v
        if self.peek() in ("NOT", "!"):
            self.take()
            v = self.unary()
            return None if v is None else float(not v)
        return self.primary()

    def primary(self):
        tok = self.take()
        if tok == "(":
            v = self.or_expr()
            self.take(")")
            return v
        if re.fullmatch(r"\d+(?:\.\d+)?", tok):
            return float(tok)
        if tok in ("IF", "FILL"):
            self.take("(")
            args = [self.or_expr()]
            while self.peek() == ",":
                self.take()
                args.append(self.or_expr())
            self.take(")")
            if tok == "FILL":
                if len(args) != 2:
                    raise MathError("FILL takes a metric and a value")
                return args[1] if args[0] is None else args[0]
            if len(args) not in (2, 3):
                raise MathError("IF takes a condition and one or two values")
            condition, yes, no = args[0], args[1], args[2] if len(args) == 3 else None
            return None if condition is None else (yes if condition else no)
        if re.fullmatch(r"[a-z][A-Za-z0-9_]*", tok):
            if tok not in self.values:
                raise MathError(f"unknown id {tok}")
            return self.values[tok]
        raise MathError(f"unexpected {tok!r}")


# ---------------------------------------------------------------------------------------------------- alarms
def datapoint(alarm: dict, metrics: dict[str, float | None]) -> float | None:
    """The value the alarm judges for one period. `alarm` is the resolved properties (parameters substituted);
    `metrics` gives each MetricStat id its value (None: missing). A single-metric alarm reads metrics["value"]."""
    if "Metrics" not in alarm:
        return metrics["value"]
    values = dict(metrics)
    queries = {q["Id"]: q for q in alarm["Metrics"]}
    for q in alarm["Metrics"]:
        if "MetricStat" in q and q["Id"] not in values:
            raise MathError(f"no value given for {q['Id']}")

    def value_of(qid, seen=()):
        if qid in values:
            return values[qid]
        if qid in seen:
            raise MathError(f"{qid} refers to itself")
        q = queries[qid]
        deps = {t for t in tokens(q["Expression"]) if t in queries}
        values[qid] = evaluate(q["Expression"], {d: value_of(d, seen + (qid,)) for d in deps})
        return values[qid]

    (returned,) = [q["Id"] for q in alarm["Metrics"] if q.get("ReturnData", True)]
    return value_of(returned)


def breaches(alarm: dict, value: float | None) -> bool | None:
    if value is None:
        return None
    threshold = float(alarm["Threshold"])
    return {"GreaterThanThreshold": value > threshold, "GreaterThanOrEqualToThreshold": value >= threshold,
            "LessThanThreshold": value < threshold, "LessThanOrEqualToThreshold": value <= threshold}[
        alarm["ComparisonOperator"]]


def fires(alarm: dict, periods: list[dict[str, float | None]]) -> bool:
    """Whether the alarm is in ALARM after these periods (oldest first), judged on the last EvaluationPeriods."""
    n = int(alarm["EvaluationPeriods"])
    m = int(alarm.get("DatapointsToAlarm", n))
    window = ([{}] * n + periods)[-n:]
    missing = alarm.get("TreatMissingData", "missing")
    judged = []
    for p in window:
        b = breaches(alarm, datapoint(alarm, p) if p else None)
        judged.append(b if b is not None else missing == "breaching")
    return sum(judged) >= m
