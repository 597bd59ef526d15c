"""`make demo`'s end-to-end part (`costlink demo`): onboarding, callback, delivery and registry on real parts."""
import subprocess

from conftest import ROOT


def test_the_loop_closes_end_to_end(sam_built):
    build = subprocess.run(["sam", "build", "--config-env", "vendor"], cwd=ROOT, capture_output=True, text=True,
                           timeout=900)
    assert build.returncode == 0, build.stderr[-2000:]
    result = subprocess.run([str(ROOT / "costlink"), "demo"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert out.count("CloudFormation reads: SUCCESS") == 3
    assert "CallbackStatus DELIVERED" in out
    assert "REVOKED, history ['connection.created', 'connection.updated', 'connection.deleted']" in out
    assert "delivery CUR2#CostLink-CUR-Export 2026-05: delivery.completed, 2 files, 10 rows" in out
