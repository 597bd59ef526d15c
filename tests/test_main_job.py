"""`make demo`'s story (`costlink demo`): both stacks deployed into the local AWS and the whole main job run on real
parts; the build fails if any step does not do what it should."""
import json
import re
import subprocess

from conftest import ROOT


def test_the_main_job_runs_whole(sam_built, vendor_built):
    result = subprocess.run([str(ROOT / "costlink"), "demo"], capture_output=True, text=True, timeout=900)
    out = result.stdout
    assert result.returncode == 0, out[-6000:] + result.stderr[-3000:]
    for step in range(8):
        assert re.search(rf"^{step}\s+.*\s+OK\s+\d+\.\ds$", out, re.MULTILINE), f"step {step} did not pass:\n{out}"
    assert "every step did what it should" in out
    assert "CallbackStatus DELIVERED" in out
    assert "health: HEALTHY" in out
    # The alert, as the subscriber's queue received it: the SNS envelope, its Message a health event.
    envelope = json.loads(re.search(r"subscription receives:\n((?:        .*\n)+)", out).group(1))
    assert envelope["Type"] == "Notification" and envelope["Subject"].startswith("CostLink UNHEALTHY: Acme Corp")
    assert json.loads(envelope["Message"])["checks"][1] == {**json.loads(envelope["Message"])["checks"][1],
                                                            "name": "cur-freshness", "result": "FAIL"}
    assert "delivery.invalid, reports/cur2/CostLink-CUR-Export/data/" in out
    assert "registry: connection REVOKED" in out
    assert not re.search(r"cl-[A-Za-z0-9_-]{43}", out + result.stderr), "an ExternalId was printed"


def test_make_demo_runs_this_story():
    script = (ROOT / "scripts" / "demo.sh").read_text()
    assert './costlink demo --scenario "$scenario"' in script
    assert "@scripts/demo.sh $(SCENARIO)" in (ROOT / "Makefile").read_text()
