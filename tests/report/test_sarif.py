"""``--format sarif``: valid SARIF 2.1.0 that GitHub code scanning can place on the right line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from custodes.rules.registry import catalogue
from custodes.waivers import WAIVER_RULES
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.report.conftest import EXPORT, NONCOMPLIANT, PREVIEW, SECRETS, declaration_line

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text())
LEVELS = {("mandatory", s): "error" for s in ("low", "medium", "high", "critical")} | {
    ("advisory", "critical"): "warning", ("advisory", "high"): "warning",
    ("advisory", "medium"): "note", ("advisory", "low"): "note",
}


def sarif(*args: str, cwd: Path | None = None) -> tuple[int, dict[str, Any]]:
    result = run_cli("check", *args, "--format", "sarif", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.returncode, json.loads(result.stdout)


@pytest.fixture(scope="module")
def noncompliant() -> dict[str, Any]:
    return sarif(str(NONCOMPLIANT))[1]


@pytest.mark.parametrize("target", [NONCOMPLIANT, EXAMPLES / "aws-snp", PREVIEW, EXPORT],
                         ids=lambda p: p.name)
def test_the_log_is_valid_against_the_sarif_2_1_0_schema(target: Path) -> None:
    _, log = sarif(str(target), "--profile", "strict")
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1


def test_one_reporting_descriptor_per_rule_with_what_github_shows(
        noncompliant: dict[str, Any]) -> None:
    rules = noncompliant["runs"][0]["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == sorted({*catalogue(), *WAIVER_RULES})
    for rule in rules:
        assert rule["name"] and rule["name"].isalnum()
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "Remediation" in rule["help"]["text"]
        assert 0.0 < float(rule["properties"]["security-severity"]) <= 10.0
    by_id = {rule["id"]: rule for rule in rules}
    key_rule = by_id["aws-ec2-confidential-require-customer-key"]
    assert key_rule["properties"]["security-severity"] == "9.5"  # critical: over 9.0
    assert catalogue()["aws-ec2-confidential-require-customer-key"].remediation in \
        key_rule["help"]["text"]


def test_results_point_at_the_line_that_declares_the_resource(
        noncompliant: dict[str, Any]) -> None:
    run = noncompliant["runs"][0]
    results = run["results"]
    line = declaration_line(NONCOMPLIANT / "__main__.py", "aws.ec2.Instance(")
    assert {r["ruleId"] for r in results} == {"aws-ec2-confidential-require-customer-key"}
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        # Relative to the repository root, as code scanning resolves it.
        assert physical["artifactLocation"] == {
            "uri": "examples/aws-snp-noncompliant/__main__.py", "uriBaseId": "%SRCROOT%"}
        assert physical["region"]["startLine"] == line
        assert result["level"] == "error"
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        logical = result["locations"][0]["logicalLocations"][0]
        assert logical["fullyQualifiedName"].endswith("::aws:ec2/instance:Instance::payments")
        assert "payments" in result["message"]["text"]


def test_levels_follow_enforcement_and_severity() -> None:
    _, log = sarif(str(EXAMPLES / "aws-snp"))
    results = log["runs"][0]["results"]
    assert results, "the compliant example still has advisory findings"
    for result in results:
        properties = result["properties"]
        assert result["level"] == LEVELS[(properties["enforcement"], properties["severity"])]


def test_paths_are_relative_to_the_repository_root_from_any_directory() -> None:
    _, log = sarif("aws-snp-noncompliant", cwd=EXAMPLES)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris == {"examples/aws-snp-noncompliant/__main__.py"}


def test_outside_a_repository_paths_are_relative_to_the_current_directory(
        tmp_path: Path) -> None:
    shutil.copytree(NONCOMPLIANT, tmp_path / "stack")
    _, log = sarif("stack", cwd=tmp_path)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris == {"stack/__main__.py"}


def test_a_preview_is_placed_with_project_dir() -> None:
    _, here = sarif(str(PREVIEW))
    _, placed = sarif(str(PREVIEW), "--project-dir", "infra/payments")

    def uris(log: dict[str, Any]) -> set[str]:
        return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in log["runs"][0]["results"]}

    assert uris(here) == {"__main__.py"}
    assert uris(placed) == {"infra/payments/__main__.py"}


def test_fingerprints_survive_a_rerun_and_code_moving(tmp_path: Path) -> None:
    project = tmp_path / "stack"
    shutil.copytree(NONCOMPLIANT, project)
    _, before = sarif(str(project))
    program = project / "__main__.py"
    program.write_text("# a new comment\n\n\n" + program.read_text())
    _, after = sarif(str(project))
    _, again = sarif(str(project))

    def prints(log: dict[str, Any]) -> list[tuple[str, int]]:
        return [(r["partialFingerprints"]["custodesFinding/v1"],
                 r["locations"][0]["physicalLocation"]["region"]["startLine"])
                for r in log["runs"][0]["results"]]

    assert [p for p, _ in prints(before)] == [p for p, _ in prints(after)]
    assert [line + 3 for _, line in prints(before)] == [line for _, line in prints(after)]
    assert prints(after) == prints(again)
    assert len({p for p, _ in prints(before)}) == len(prints(before)), "one print per finding"


def test_a_waived_finding_is_a_suppressed_result(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n"
        "  - rule: aws-ec2-confidential-require-customer-key\n"
        "    resource: 'urn:pulumi:*::aws:ec2/instance:Instance::payments'\n"
        "    reason: migrating to a CloudHSM key in Q3\n"
        "    owner: platform-security\n"
        "    expires: 2999-12-31\n"
    )
    code, log = sarif(str(NONCOMPLIANT), "--waivers", str(waivers))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert code == 0
    results = log["runs"][0]["results"]
    assert len(results) == 2
    for result in results:
        (suppression,) = result["suppressions"]
        assert suppression["kind"] == "external" and suppression["status"] == "accepted"
        assert "migrating to a CloudHSM key in Q3" in suppression["justification"]
        assert suppression["properties"] == {"owner": "platform-security",
                                             "expires": "2999-12-31"}
        assert suppression["location"]["physicalLocation"]["region"]["startLine"] == 3


def test_no_secret_reaches_the_log() -> None:
    for target in (PREVIEW, EXPORT):
        result = run_cli("check", str(target), "--format", "sarif", "--profile", "strict")
        assert not any(secret.encode() in result.stdout for secret in SECRETS)


def test_the_same_input_gives_the_same_bytes() -> None:
    first = run_cli("check", str(PREVIEW), "--format", "sarif")
    second = run_cli("check", str(PREVIEW), "--format", "sarif", env={"PYTHONHASHSEED": "3"})
    assert first.stdout == second.stdout and first.returncode == 1
    assert str(ROOT) not in first.stdout.decode(), "no absolute path of this machine"


def test_an_expired_waiver_is_an_error_at_its_line_in_the_waivers_file(tmp_path: Path) -> None:
    (tmp_path / "custodes-waivers.yaml").write_text(
        "version: 1\nwaivers:\n"
        "  - rule: aws-ec2-confidential-require-customer-key\n"
        "    resource: 'urn:pulumi:*::payments'\n"
        "    reason: temporary\n"
        "    owner: sec\n"
        "    expires: 2001-01-01\n"
    )
    code, log = sarif(str(NONCOMPLIANT), cwd=tmp_path)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert code == 1
    (expired,) = [r for r in log["runs"][0]["results"]
                  if r["ruleId"] == "custodes-waiver-disallow-expired"]
    assert expired["level"] == "error"
    physical = expired["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "custodes-waivers.yaml"
    assert physical["region"]["startLine"] == 3
    assert not any("suppressions" in r for r in log["runs"][0]["results"])


def test_rules_carry_a_help_uri_only_when_docs_url_names_where_the_docs_are() -> None:
    from dataclasses import replace

    from custodes.report import sarif as sarif_format
    from tests.report.conftest import finding, hand_report

    report = hand_report([finding()])
    plain = sarif_format.document(report)["runs"][0]["tool"]["driver"]["rules"]
    assert not any("helpUri" in rule for rule in plain)
    served = sarif_format.document(replace(report, docs_url="https://docs.example/rules.md"))
    rules = served["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"] == f"https://docs.example/rules.md#{rule['id']}"
               for rule in rules)
    assert all(rule["help"]["markdown"] for rule in rules)  # kept as it was
    _, log = sarif(str(PREVIEW), "--docs-url", "https://docs.example/rules.md")
    jsonschema.Draft4Validator(json.loads((ROOT / "tests/report/data/sarif-2.1.0-rtm.5.json")
                                          .read_text())).validate(log)
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith(
        "https://docs.example/rules.md#")
