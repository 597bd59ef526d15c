"""The functions' own metric writer, dev.costlink.common.Metrics, run on the JVM with the built verifier's classpath:
its lines are valid embedded metric format (tests/support/emf.py), and CloudWatch would create from them exactly the
metrics metrics.json declares, each name with each of its dimension sets and its unit. That is the premise of the
alarm and dashboard contract tests (which hold vendor.yaml to the catalogue); the writer refuses anything else."""
import os
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT
from costlink_tools.metric_catalog import MetricCatalog
from support.alarms import alarmed_emf_metrics
from support.emf import emf_lines, emitted_metrics, validate_line
from costlink_tools.cfn_model import load_template

CATALOG = MetricCatalog.load()
PROGRAM = ROOT / "tests" / "support" / "java" / "EmitMetrics.java"


@pytest.fixture(scope="module")
def classpath():
    # What scripts/package-function.sh runs for `sam build`: the module, its dependencies, lib/ as Lambda loads it.
    result = subprocess.run(["mvn", "-B", "-ntp", "-q", "-DskipTests", "-pl", "functions/verifier", "-am", "package"],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return str(ROOT / "functions" / "verifier" / "target" / "lambda" / "lib") + "/*"


def emit(classpath, *emissions):
    java = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "java"
    return subprocess.run([str(java), "-cp", classpath, str(PROGRAM), *emissions], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def every_metric_once() -> list[str]:
    """One emission per distinct set of dimension keys, with every metric that takes exactly those keys; dimension
    values with characters CloudWatch refuses, which the writer must make safe."""
    groups = defaultdict(list)
    for metric in CATALOG.metrics.values():
        keys = frozenset().union(*metric.dimension_sets)
        groups[keys].append(metric.name)
    return [",".join(f"{k}={k} value\tw\u00eeth spaces" for k in sorted(keys)) + "|" + ",".join(names)
            for keys, names in groups.items()]


def test_every_declared_metric_is_emitted_exactly_as_declared(classpath):
    result = emit(classpath, *every_metric_once())
    assert result.returncode == 0, result.stderr
    documents = emf_lines(result.stdout)
    assert len(documents) == len(every_metric_once())
    expected = {(CATALOG.namespace, m.name, s) for m in CATALOG.metrics.values() for s in m.dimension_sets}
    assert emitted_metrics(documents) == expected
    units = {d["Name"]: d.get("Unit") for doc in documents for directive in doc["_aws"]["CloudWatchMetrics"]
             for d in directive["Metrics"]}
    assert units == {m.name: m.unit for m in CATALOG.metrics.values()}


def test_every_alarmed_metric_is_one_the_writer_emits(classpath):
    result = emit(classpath, *every_metric_once())
    alarmed = alarmed_emf_metrics(load_template(ROOT / "vendor.yaml"), CATALOG.namespace)
    assert alarmed and alarmed <= emitted_metrics(emf_lines(result.stdout))


@pytest.mark.parametrize("emission", ["|NoSuchMetric", "Extra=x|WorkerErrors", "|ConnectionsChecked",
                                      "Status=HEALTHY|ConnectionsChecked,WorkerErrors"])
def test_what_the_catalogue_does_not_declare_is_refused_and_nothing_is_written(classpath, emission):
    result = emit(classpath, emission)
    assert result.returncode == 3 and result.stdout == "", result.stderr


def test_each_line_is_one_log_event(classpath):
    result = emit(classpath, *every_metric_once())
    lines = [line for line in result.stdout.splitlines() if line]
    assert lines and all(validate_line(line) for line in lines)
