"""The template's quality gates: cfn-lint, `sam validate --lint`, checkov and `sam build`, all without Docker."""
import json
import os
import re
import subprocess

import pytest

from conftest import ROOT

TEMPLATES = [ROOT / "template.yaml", ROOT / "vendor.yaml"]
# The organisation's member role (plain CloudFormation, deployed by template.yaml's StackSet): linted, not built.
LINTED = [*TEMPLATES, ROOT / "member-role.yaml"]


def run(*cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900, **kw)


@pytest.mark.parametrize("template", LINTED, ids=lambda p: p.name)
def test_cfn_lint_finds_nothing(template):
    result = run("cfn-lint", "--format", "parseable", str(template))
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


@pytest.mark.parametrize("template", [ROOT / "template.yaml"], ids=lambda p: p.name)
def test_cfn_lint_ignores_hide_nothing_else(template):
    # The template-level ignore of W1030/W1031 is justified only for the BucketName default; prove it.
    result = run("cfn-lint", "--format", "json", "--ignore-checks", "NONE", "--include-checks", "W1030", "W1031",
                 "--", str(template))
    text = template.read_text()
    assert "ignore_checks: [W1030, W1031]" in text
    stripped = template.parent / f".{template.stem}.noignore.yaml"
    stripped.write_text(text.replace("ignore_checks: [W1030, W1031]", "ignore_checks: []"))
    try:
        result = run("cfn-lint", "--format", "json", str(stripped))
    finally:
        stripped.unlink()
    findings = json.loads(result.stdout or "[]")
    assert findings, "the ignore is no longer needed: remove it"
    for f in findings:
        assert f["Rule"]["Id"] in ("W1030", "W1031"), f
        assert "BucketName" in f["Message"], f


@pytest.mark.parametrize("template", LINTED, ids=lambda p: p.name)
def test_sam_validate_lint(template):
    result = run("sam", "validate", "--lint", "--region", "us-east-1", "--template-file", str(template))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


@pytest.mark.parametrize("template", LINTED, ids=lambda p: p.name)
def test_checkov_has_no_failed_check(template):
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    result = run(os.environ.get("CHECKOV", str(ROOT / ".venv/checkov/bin/checkov")), "--compact",
                 "--skip-download", "--framework", "cloudformation", "--output", "json", "-f", str(template), env=env)
    report = json.loads(result.stdout)
    summary = report["summary"]
    assert summary["failed"] == 0, json.dumps(report["results"]["failed_checks"], indent=1)[:4000]
    assert summary["passed"] > 0
    if template in TEMPLATES:  # member-role.yaml's skips apply to opt-in policies: tests/test_template_member.py
        assert report["results"]["skipped_checks"], "expected the justified skips to be reported"
    for skipped in report["results"]["skipped_checks"]:
        assert len(skipped["check_result"].get("suppress_comment", "").strip()) > 30, skipped["check_id"]


@pytest.mark.parametrize("template", LINTED, ids=lambda p: p.name)
def test_every_checkov_skip_has_a_written_justification(template):
    text = template.read_text()
    for block in re.findall(r"- id: (CKV\w+)\n\s+comment: (>-\n(?:\s+.+\n)+|.+\n)", text):
        assert len(block[1].strip()) > 40, block[0]
    assert text.count("- id: CKV") == len(re.findall(r"- id: CKV\w+\n\s+comment:", text))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_sam_build_succeeds_without_docker(tmp_path, template):
    result = run("sam", "build", "--template-file", template.name, "--build-dir", str(tmp_path / "build"),
                 "--region", "us-east-1")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    built = (tmp_path / "build" / "template.yaml").read_text()
    assert "CodeUri:" in built
