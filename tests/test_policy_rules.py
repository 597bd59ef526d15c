"""The independent policy check: the project's cfn-guard rules (policy/*.guard), proven on their fixtures
(policy/tests/*_tests.yaml) and run on both templates, as written and after the SAM transform."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

POLICY = ROOT / "policy"
RULE_FILES = sorted(POLICY.glob("*.guard"))
TEMPLATES = ["template.yaml", "vendor.yaml"]
CFN_GUARD = os.environ.get("CFN_GUARD", str(ROOT / ".venv/cfn-guard/bin/cfn-guard"))


def rules_of(rule_file):
    return re.findall(r"^rule (\w+)", rule_file.read_text(), re.M)


ALL_RULES = sorted(rule for f in RULE_FILES for rule in rules_of(f))

# The rules whose subject each template has (roles, policies, buckets, queues, custom resources): these must be
# decided (PASS or FAIL), never SKIP. cfn-guard also answers SKIP when a clause cannot be evaluated (for example a
# comparison with an intrinsic function), so a SKIP here would be a rule that silently stopped judging.
DECIDED = {
    "template.yaml": set(ALL_RULES),
    "vendor.yaml": {"no_allow_of_every_action", "policy_statements_are_lists", "every_queue_has_a_tls_only_policy",
                    "queue_policies_deny_plain_http"},
}


def guard(*args):
    return subprocess.run([CFN_GUARD, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def fixture_file(rule_file):
    return POLICY / "tests" / f"{rule_file.stem}_tests.yaml"


def test_cfn_guard_is_the_pinned_version():
    pinned = re.search(r"^COSTLINK_CFN_GUARD_VERSION=(\S+)$", (ROOT / "scripts/toolchain.sh").read_text(), re.M)[1]
    assert guard("--version").stdout.strip() == f"cfn-guard {pinned}"


def test_there_are_rules_and_rule_names_are_unique():
    assert len(RULE_FILES) >= 5
    assert len(ALL_RULES) == len(set(ALL_RULES))


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=lambda p: p.stem)
def test_fixtures_expect_every_rule_to_pass_and_to_fail(rule_file):
    # A rule whose when-clause matches nothing reports SKIP, and validate counts SKIP as success: only a fixture that
    # expects FAIL proves the rule can fail, and one that expects PASS proves it does not fail everything.
    cases = yaml.safe_load(fixture_file(rule_file).read_text())
    rules = set(rules_of(rule_file))
    for case in cases:
        assert set(case["expectations"]["rules"]) == rules, f"{case['name']}: set an expectation for every rule"
    for rule in rules:
        outcomes = {case["expectations"]["rules"][rule] for case in cases}
        assert {"PASS", "FAIL"} <= outcomes, f"{rule}: fixtures must expect it to PASS and to FAIL"


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=lambda p: p.stem)
def test_rules_meet_their_fixtures(rule_file):
    fixtures = fixture_file(rule_file)
    result = guard("test", "--rules-file", str(rule_file), "--test-data", str(fixtures), "--output-format", "json")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    expected = {(c["name"], rule, status) for c in yaml.safe_load(fixtures.read_text())
                for rule, status in c["expectations"]["rules"].items()}
    evaluated = set()
    for case in report["test_cases"]:
        assert case["failed_rules"] == [], case
        evaluated |= {(case["name"], r["name"], r["evaluated"]) for r in case["passed_rules"]}
    assert evaluated == expected


@pytest.fixture(scope="session")
def transformed(tmp_path_factory):
    """Both templates after the AWS::Serverless transform, as CloudFormation deploys them."""
    out = tmp_path_factory.mktemp("transformed")
    for name in TEMPLATES:
        result = subprocess.run([sys.executable, str(POLICY / "sam_transform.py"), name], cwd=ROOT,
                                capture_output=True, text=True, timeout=300, env={**os.environ, "SAM_CLI_TELEMETRY": "0"})
        assert result.returncode == 0, result.stderr[-3000:]
        (out / f"{name}.json").write_text(result.stdout)
    return out


def test_the_transform_expands_every_serverless_resource(transformed):
    for name in TEMPLATES:
        template = json.loads((transformed / f"{name}.json").read_text())
        types = {r["Type"] for r in template["Resources"].values()}
        assert "AWS::Lambda::Function" in types
        assert not [t for t in types if t.startswith("AWS::Serverless::")]
        assert "Transform" not in template


def validate(data_file):
    result = guard("validate", *[a for f in RULE_FILES for a in ("--rules", str(f))], "--data", str(data_file),
                   "--structured", "--output-format", "json", "--show-summary", "none")
    reports = json.loads(result.stdout)
    assert len(reports) == 1, result.stdout[-2000:] + result.stderr[-2000:]
    return reports[0], result


def failed(report):
    return sorted(entry["Rule"]["name"] for entry in report["not_compliant"])


def findings(report):
    """Each failed rule with the messages of its failed checks."""
    def messages(node):
        if isinstance(node, dict):
            found = [node["custom_message"]] if node.get("custom_message") else []
            return found + [m for value in node.values() for m in messages(value)]
        return [m for value in node for m in messages(value)] if isinstance(node, list) else []
    return {entry["Rule"]["name"]: messages(entry["Rule"]["checks"]) for entry in report["not_compliant"]}


def stages(transformed_dir, name):
    return {"as written": ROOT / name, "transformed": transformed_dir / f"{name}.json"}


@pytest.mark.parametrize("stage", ["as written", "transformed"])
@pytest.mark.parametrize("name", [
    "template.yaml",
    "vendor.yaml",
])
def test_templates_break_no_rule(transformed, name, stage):
    report, result = validate(stages(transformed, name)[stage])
    assert failed(report) == [], findings(report)
    assert result.returncode == 0


@pytest.mark.parametrize("stage", ["as written", "transformed"])
@pytest.mark.parametrize("name", TEMPLATES)
def test_rules_judge_what_each_template_has(transformed, name, stage):
    report, _ = validate(stages(transformed, name)[stage])
    decided = set(report["compliant"]) | set(failed(report))
    assert DECIDED[name] <= decided, f"skipped: {sorted(DECIDED[name] - decided)}"
    assert decided | set(report["not_applicable"]) == set(ALL_RULES)


def statements(template, resource):
    return template["Resources"][resource]["Properties"]["PolicyDocument"]["Statement"]


def drop_external_id(t):
    del t["Resources"]["VendorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]


def add_core_write(t):
    statements(t, "CorePolicy")[0]["Action"].append("ec2:TerminateInstances")


def grant_every_action(t):
    statements(t, "CorePolicy")[0]["Action"] = "*"


def single_statement_object(t):
    document = t["Resources"]["CorePolicy"]["Properties"]["PolicyDocument"]
    document["Statement"] = document["Statement"][0]


def drop_service_timeout(t):
    del t["Resources"]["ConnectionCallback"]["Properties"]["ServiceTimeout"]


def drop_source_arn(t):
    deliver = [st for st in statements(t, "BillingBucketPolicy") if st["Sid"] == "AllowBillingServicesDeliver"][0]
    del deliver["Condition"]["StringLike"]


def drop_bucket_tls_statement(t):
    policy = t["Resources"]["BillingBucketPolicy"]["Properties"]["PolicyDocument"]
    policy["Statement"] = [st for st in policy["Statement"] if st["Sid"] != "DenyInsecureTransport"]


def drop_queue_policy(t):
    del t["Resources"]["DeliveryFailuresPolicy"]


@pytest.mark.parametrize("mutate, rules", [
    (drop_external_id, {"cross_account_trust_requires_external_id"}),
    (add_core_write, {"writes_on_every_resource_only_in_opt_in_sets"}),
    (grant_every_action, {"no_allow_of_every_action", "writes_on_every_resource_only_in_opt_in_sets"}),
    (single_statement_object, {"policy_statements_are_lists"}),
    (drop_service_timeout, {"custom_resources_set_a_service_timeout"}),
    (drop_source_arn, {"billing_services_are_bound_to_this_account"}),
    (drop_bucket_tls_statement, {"bucket_policies_deny_plain_http", "every_bucket_has_a_tls_only_policy"}),
    (drop_queue_policy, {"every_queue_has_a_tls_only_policy"}),
], ids=lambda v: v.__name__ if callable(v) else "")
def test_rules_catch_a_regression_in_the_connection_template(tmp_path, mutate, rules):
    from samcli.yamlhelper import yaml_parse
    template = yaml_parse((ROOT / "template.yaml").read_text())
    mutate(template)
    mutated = tmp_path / "template.json"
    mutated.write_text(json.dumps(template))
    report, _ = validate(mutated)
    assert set(failed(report)) == rules, findings(report)


# ---------------------------------------------------------------- the toolchain step that provides cfn-guard

def fake_checkout(tmp_path, cfn_guard):
    """A checkout with the real scripts and the real virtualenvs, and the given .venv/cfn-guard."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", root / "scripts")
    shutil.copytree(ROOT / "requirements", root / "requirements")
    (root / ".venv").mkdir()
    for venv in ("tools", "checkov"):
        (root / ".venv" / venv).symlink_to((ROOT / ".venv" / venv).resolve())
    if cfn_guard == "built":
        (root / ".venv/cfn-guard").symlink_to((ROOT / ".venv/cfn-guard").resolve())
    elif cfn_guard == "other version":
        shutil.copytree(ROOT / ".venv/cfn-guard", root / ".venv/cfn-guard")
        (root / ".venv/cfn-guard/.stamp").write_text("cfn-guard 3.0.0\n")
    return root


def toolchain_without_cargo(root, tmp_path):
    bin_dir = tmp_path / "bin"  # the commands the toolchain uses, and no cargo
    bin_dir.mkdir()
    for tool in ("dirname", "sed", "cat", "sha256sum", "cut", "rm", "mv"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "JAVA_HOME": os.environ["JAVA_HOME"]}
    return subprocess.run(["/bin/bash", "-c", '. scripts/toolchain.sh && echo "CFN_GUARD=$CFN_GUARD"'], cwd=root,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("cfn_guard", ["absent", "other version"])
def test_toolchain_fails_clearly_when_cfn_guard_must_be_built_without_cargo(tmp_path, cfn_guard):
    root = fake_checkout(tmp_path, cfn_guard)
    result = toolchain_without_cargo(root, tmp_path)
    assert result.returncode != 0
    assert "toolchain: cargo not found: cfn-guard 3.2.1 is built from crates.io with it" in result.stderr
    assert "CFN_GUARD=" not in result.stdout


def test_toolchain_needs_no_cargo_once_cfn_guard_is_built(tmp_path):
    root = fake_checkout(tmp_path, "built")
    result = toolchain_without_cargo(root, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"CFN_GUARD={root}/.venv/cfn-guard/bin/cfn-guard" in result.stdout
    assert result.stderr == ""


def test_the_member_template_breaks_no_rule_and_its_trust_is_judged():
    # member-role.yaml is plain CloudFormation (no transform): what the StackSet deploys into every member account.
    report, result = validate(ROOT / "member-role.yaml")
    assert failed(report) == [], findings(report)
    assert result.returncode == 0
    decided = set(report["compliant"])
    assert {"cross_account_trust_requires_external_id", "no_allow_of_every_action"} <= decided, decided
