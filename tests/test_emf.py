"""The embedded-metric-format validator (tests/support/emf.py) itself: valid lines pass, and each rule of the
specification (and of CloudWatch's API where it is stricter) fails a line that breaks it, alone."""
import copy
import json

import pytest

from support.emf import MAX_EVENT_BYTES, EmfError, emf_lines, emitted_metrics, problems, validate_line

# The specification's own example.
SPEC_EXAMPLE = {
    "_aws": {"Timestamp": 1574109732004, "CloudWatchMetrics": [{
        "Namespace": "lambda-function-metrics", "Dimensions": [["functionVersion"]],
        "Metrics": [{"Name": "time", "Unit": "Milliseconds", "StorageResolution": 60}]}]},
    "functionVersion": "$LATEST", "time": 100, "requestId": "989ffbf8-9ace-4817-a57c-e4dd734019ee"}

# What dev.costlink.common.Metrics writes: a total and a by-status metric in one directive, a second directive.
COSTLINK = {
    "_aws": {"Timestamp": 1700000000123, "CloudWatchMetrics": [
        {"Namespace": "CostLink", "Dimensions": [[], ["Status"]], "Metrics": [{"Name": "ConnectionsChecked",
                                                                             "Unit": "Count"}]},
        {"Namespace": "CostLink", "Dimensions": [[]], "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"},
                                                                   {"Name": "Sizes"}]}]},
    "Status": "HEALTHY", "ConnectionsChecked": 3, "Latency": 12.5, "Sizes": [1, 2.5, 3]}


def line(doc) -> str:
    return json.dumps(doc, separators=(",", ":"))


@pytest.mark.parametrize("doc", [SPEC_EXAMPLE, COSTLINK], ids=["spec-example", "costlink-line"])
def test_valid_lines_pass(doc):
    assert problems(line(doc)) == []
    assert validate_line(line(doc)) == doc


def test_a_line_at_the_size_limit_passes_and_one_byte_more_fails():
    doc = copy.deepcopy(COSTLINK)
    doc["padding"] = ""
    doc["padding"] = "x" * (MAX_EVENT_BYTES - len(line(doc).encode()))
    assert len(line(doc).encode()) == MAX_EVENT_BYTES
    assert problems(line(doc)) == []
    doc["padding"] += "x"
    assert "more than a log event may hold" in problems(line(doc))[0]


def mutate(path_and_value):
    """A copy of COSTLINK with one change: (path, value) sets, (path, DELETE) removes."""
    doc = copy.deepcopy(COSTLINK)
    for path, value in path_and_value:
        target = doc
        for step in path[:-1]:
            target = target[step]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return line(doc)


DELETE = object()
D0 = ("_aws", "CloudWatchMetrics", 0)

VIOLATIONS = {
    "no _aws": ([(("_aws",), DELETE)], "needs an `_aws` object"),
    "_aws not an object": ([(("_aws",), [])], "needs an `_aws` object"),
    "extra member in _aws": ([(("_aws", "LogGroupName"), "x")], "_aws has members the specification does not define"),
    "no Timestamp": ([(("_aws", "Timestamp"), DELETE)], "Timestamp is missing"),
    "Timestamp as a string": ([(("_aws", "Timestamp"), "1700000000123")], "Timestamp must be a whole number"),
    "Timestamp with a fraction": ([(("_aws", "Timestamp"), 1700000000123.5)], "Timestamp must be a whole number"),
    "Timestamp as a boolean": ([(("_aws", "Timestamp"), True)], "Timestamp must be a whole number"),
    "no CloudWatchMetrics": ([(("_aws", "CloudWatchMetrics"), DELETE)], "must be an array of metric directives"),
    "empty CloudWatchMetrics": ([(("_aws", "CloudWatchMetrics"), [])], "declares no metric"),
    "directive not an object": ([(D0, "x")], "CloudWatchMetrics[0] must be an object"),
    "extra member in a directive": ([(D0 + ("Entity",), "x")], "does not define: Entity"),
    "no Namespace": ([(D0 + ("Namespace",), DELETE)], "Namespace is missing"),
    "empty Namespace": ([(D0 + ("Namespace",), "")], "Namespace must be a string of 1-255"),
    "Namespace too long": ([(D0 + ("Namespace",), "N" * 256)], "Namespace must be a string of 1-255"),
    "Namespace with a control character": ([(D0 + ("Namespace",), "Cost\tLink")], "does not allow in a namespace"),
    "Namespace starting with a colon": ([(D0 + ("Namespace",), ":CostLink")], "does not allow in a namespace"),
    "AWS/ Namespace": ([(D0 + ("Namespace",), "AWS/Lambda")], "must not begin with AWS/"),
    "no Dimensions": ([(D0 + ("Dimensions",), DELETE)], "Dimensions is missing"),
    "Dimensions empty": ([(D0 + ("Dimensions",), [])], "non-empty array of dimension sets"),
    "dimension set not an array": ([(D0 + ("Dimensions",), ["Status"])], "must be an array of dimension keys"),
    "31 dimension keys": ([(D0 + ("Dimensions",), [[f"k{i}" for i in range(31)]])]
                          + [((f"k{i}",), "v") for i in range(31)], "has 31 keys, more than 30"),
    "a dimension named twice": ([(D0 + ("Dimensions",), [["Status", "Status"]])], "names a dimension twice"),
    "dimension key not a string": ([(D0 + ("Dimensions",), [[7]])], "dimension key must be a string"),
    "dimension key too long": ([(D0 + ("Dimensions",), [["K" * 251]]), (("K" * 251,), "v")],
                               "dimension key must be a string of 1-250"),
    "dimension target missing": ([(("Status",), DELETE)], "'Status' has no member at the root"),
    "dimension value a number": ([(("Status",), 1)], "'Status' must have a string value"),
    "dimension value empty": ([(("Status",), "")], "'Status' has a value CloudWatch refuses"),
    "dimension value whitespace": ([(("Status",), "  ")], "'Status' has a value CloudWatch refuses"),
    "dimension value too long": ([(("Status",), "x" * 1025)], "'Status' has a value CloudWatch refuses"),
    "dimension value not ASCII": ([(("Status",), "h\u00e9")], "'Status' has a value CloudWatch refuses"),
    "no Metrics": ([(D0 + ("Metrics",), DELETE)], "Metrics is missing"),
    "Metrics not an array": ([(D0 + ("Metrics",), {"Name": "ConnectionsChecked"})], "array of metric definitions"),
    "Metrics empty": ([(D0 + ("Metrics",), [])], "the directive declares no metric"),
    "101 metrics": ([(D0 + ("Metrics",), [{"Name": f"m{i}"} for i in range(101)])]
                    + [((f"m{i}",), 1) for i in range(101)], "101 metric definitions, more than 100"),
    "definition not an object": ([(D0 + ("Metrics",), ["ConnectionsChecked"])], "Metrics[0] must be an object"),
    "extra member in a definition": ([(D0 + ("Metrics", 0, "Statistic"), "Sum")], "does not define: Statistic"),
    "definition without Name": ([(D0 + ("Metrics", 0, "Name"), DELETE)], "Name must be a string"),
    "Name too long": ([(D0 + ("Metrics", 0, "Name"), "M" * 256), (("M" * 256,), 1)], "Name must be a string of 1-255"),
    "unknown Unit": ([(D0 + ("Metrics", 0, "Unit"), "Hours")], "Unit is not a CloudWatch unit"),
    "StorageResolution 30": ([(D0 + ("Metrics", 0, "StorageResolution"), 30)], "StorageResolution must be 1 or 60"),
    "StorageResolution as a string": ([(D0 + ("Metrics", 0, "StorageResolution"), "60")], "must be 1 or 60"),
    "metric target missing": ([(("ConnectionsChecked",), DELETE)], "'ConnectionsChecked' has no member at the root"),
    "metric value a string": ([(("ConnectionsChecked",), "3")], "must be a number or an array of numbers"),
    "metric value a boolean": ([(("ConnectionsChecked",), True)], "must be a number or an array of numbers"),
    "metric value null": ([(("ConnectionsChecked",), None)], "must be a number or an array of numbers"),
    "metric value out of range": ([(("ConnectionsChecked",), 1e120)], "outside CloudWatch's range"),
    "metric array with a string": ([(("Sizes",), [1, "2"])], "must be a number or an array of numbers"),
    "metric array empty": ([(("Sizes",), [])], "must have 1-100 values"),
    "metric array of 101": ([(("Sizes",), list(range(101)))], "must have 1-100 values"),
    "metric declared twice": ([(D0 + ("Metrics",), [{"Name": "ConnectionsChecked"}] * 2)], "declares a metric twice"),
    "a metric that is also a dimension": ([(D0 + ("Metrics",), [{"Name": "Status"}])],
                                          "is both a dimension and a metric"),
    "nested target": ([(D0 + ("Metrics",), [{"Name": "a.b"}]), (("a",), {"b": 1})], "'a.b' has no member at the root"),
}


@pytest.mark.parametrize("name", VIOLATIONS)
def test_each_violation_fails(name):
    changes, expected = VIOLATIONS[name]
    found = problems(mutate(changes))
    assert len(found) == 1 and expected in found[0], found
    with pytest.raises(EmfError):
        validate_line(mutate(changes))


@pytest.mark.parametrize("text, expected", [
    ('{"_aws": {"Timestamp": 1, "CloudWatchMetrics": []}} trailing', "nothing before or after"),
    (' {"_aws": {}}', "nothing before or after"),
    ('{"_aws": ', "nothing before or after"),
    ('{"_aws": {"Timestamp": 1}, "_aws": {}}', "names the same member twice"),
    ('{"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "CostLink", "Dimensions": [[]], '
     '"Metrics": [{"Name": "x"}]}]}, "x": NaN}', "NaN is not a JSON number"),
    ('{"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "CostLink", "Dimensions": [[]], '
     '"Metrics": [{"Name": "x"}]}]}, "x": Infinity}', "Infinity is not a JSON number"),
])
def test_lines_that_are_not_one_json_object_fail(text, expected):
    found = problems(text)
    assert len(found) == 1 and expected in found[0], found


def test_messages_never_quote_a_dimension_value():
    secret = "cl-" + "s3cr3t" * 5
    found = problems(mutate([(("Status",), secret + "\u0000")]))
    assert found and all(secret not in p for p in found)


def test_the_collector_finds_and_validates_emf_lines_among_other_output():
    output = "\n".join([
        "START RequestId: 1 Version: $LATEST",
        json.dumps({"timestamp": "2026-01-01T00:00:00Z", "level": "INFO", "message": "checked"}),
        line(COSTLINK),
        "  " + line(SPEC_EXAMPLE) + "  ",
        "END RequestId: 1",
    ])
    docs = emf_lines(output)
    assert docs == [COSTLINK, SPEC_EXAMPLE]
    assert emitted_metrics(docs) == {
        ("CostLink", "ConnectionsChecked", frozenset()), ("CostLink", "ConnectionsChecked", frozenset({"Status"})),
        ("CostLink", "Latency", frozenset()), ("CostLink", "Sizes", frozenset()),
        ("lambda-function-metrics", "time", frozenset({"functionVersion"}))}


def test_the_collector_fails_on_a_broken_emf_line_rather_than_skipping_it():
    with pytest.raises(EmfError):
        emf_lines("hello\n" + line(COSTLINK)[:-1] + "\n")
    with pytest.raises(EmfError):
        emf_lines(mutate([(("Status",), 5)]))
