"""bench/cold_start.py's parsing and table writing (no timing is asserted: the figures are the benchmark's, not a
test's)."""
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import cold_start  # noqa: E402

EMULATOR_LOG = """\
23 Nov 2026 22:14:20,231 [INFO] (rapid) INIT START(type: on-demand, phase: init)
23 Nov 2026 22:14:20,309 [INFO] (rapid) INIT RTDONE(status: success)
23 Nov 2026 22:14:20,309 [INFO] (rapid) INIT REPORT(durationMs: 77.818000)
23 Nov 2026 22:14:20,309 [INFO] (rapid) INVOKE START(requestId: 3d6b2744-e8d0-4b60-b6cb-d386396bb60b)
23 Nov 2026 22:14:20,315 [INFO] (rapid) INVOKE RTDONE(status: success, produced bytes: 0, duration: 5.842000ms)
23 Nov 2026 22:14:20,415 [INFO] (rapid) INVOKE RTDONE(status: success, produced bytes: 0, duration: 1.250000ms)
REPORT RequestId: 3d6b2744	Init Duration: 0.01 ms	Duration: 83.84 ms	Billed Duration: 84 ms
"""


def test_init_and_each_invocation_come_from_the_emulators_report():
    assert cold_start.parse_report(EMULATOR_LOG) == (77.818, [5.842, 1.25])


def test_a_log_without_the_report_is_refused():
    with pytest.raises(ValueError):
        cold_start.parse_report("START RequestId: x\nEND RequestId: x\n")


def sample(total, init=50.0):
    return cold_start.Sample(init_ms=init, invoke_ms=total - init, total_ms=total, rss_kb=51200, warm_ms=3.0)


def subject(name, totals):
    s = cold_start.Subject(name, f"{name} label", None, None, None)
    s.samples["all"] = [sample(t) for t in totals]
    s.samples["one"] = [sample(2 * t) for t in totals]
    return s


def test_ratios_are_medians_against_hello_world_of_the_same_run():
    summary = cold_start.summarise([subject("hello", [100, 90, 110]), subject("f", [300, 150, 1000])])
    assert summary["f"]["all_total_ms"]["median"] == 300
    assert summary["f"]["all_total_ms_ratio"] == pytest.approx(3.0)
    assert summary["f"]["one_total_ms_ratio"] == pytest.approx(3.0)
    assert summary["f"]["all_init_ms_ratio"] == pytest.approx(1.0)
    assert (summary["f"]["all_total_ms"]["min"], summary["f"]["all_total_ms"]["max"]) == (150, 1000)
    assert summary["f"]["all_rss_mb"] == 50


def test_the_table_replaces_the_one_between_the_markers(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Performance\n\nintro\n{cold_start.START_MARK}\nold table\n{cold_start.END_MARK}\n"
                   "\n## Next\nkept\n")
    summary = cold_start.summarise([subject("hello", [100]), subject("f", [250])])
    info = {"nproc": 2, "cpu": "Test CPU", "jdk": "JDK 21", "kernel": "6", "date": "2026-11-23 22:00 UTC"}
    cold_start.write_docs(cold_start.table(summary, 1, info), doc)
    cold_start.write_docs(cold_start.table(summary, 1, info), doc)  # a rerun replaces, never appends
    text = doc.read_text()
    assert "old table" not in text
    assert text.count(cold_start.START_MARK) == 1 and text.count("| f label |") == 1
    assert "**2.50**" in text and "2 CPUs (Test CPU), JDK 21" in text
    assert text.startswith("# Performance\n\nintro\n") and text.endswith("## Next\nkept\n")


def test_without_markers_the_section_is_appended(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n")
    cold_start.write_docs("the table", doc)
    assert doc.read_text() == (f"# Performance\n\n## Cold start: every function\n\n{cold_start.START_MARK}\n"
                               f"the table\n{cold_start.END_MARK}\n")


def test_the_docs_carry_the_markers():
    text = (ROOT / "docs" / "performance.md").read_text()
    assert text.count(cold_start.START_MARK) == 1 and text.count(cold_start.END_MARK) == 1


def test_classes_are_counted_in_all_and_from_the_deployment_package():
    log = ("[0.01s] java.lang.Object source: shared objects file\n"
           "[0.10s] software.amazon.awssdk.core.SdkPojo source: file:/x/build/Fn/lib/sdk-core-2.40.2.jar\n"
           "[0.11s] dev.costlink.Handler source: file:/x/build/Fn/lib/fn.jar\n"
           "[0.12s] com.amazonaws.services.lambda.runtime.api.client.AWSLambda source: file:/x/ric/ric.jar\n"
           "[0.13s] some other log line\n")
    assert cold_start.classes_in(log, ["/x/build/Fn"]) == {"classes": 4, "package_classes": 2}
