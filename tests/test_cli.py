"""`custodes check` end to end, run as a user runs it: a child process, its exit code and output."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import EXAMPLES, check_json, example_dirs, mandatory, run_cli

REPORT_SCHEMA = json.loads(
    resources.files("custodes.report").joinpath("schema/report-v1.json").read_text()
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize("example", example_dirs(), ids=lambda p: p.name)
def test_examples_pass_or_fail_as_their_names_say(example: Path) -> None:
    code, report = check_json(str(example))
    jsonschema.validate(report, REPORT_SCHEMA)
    if example.name.endswith("-noncompliant"):
        assert code == 1 and mandatory(report), "a non-compliant example must be rejected"
    else:
        assert code == 0 and not mandatory(report), mandatory(report)


def test_every_cloud_has_a_compliant_and_a_noncompliant_example() -> None:
    names = [p.name for p in example_dirs()]
    for cloud in ("aws", "azure", "gcp", "oci"):
        assert any(n.startswith(cloud) and not n.endswith("-noncompliant") for n in names)
        assert any(n.startswith(cloud) and n.endswith("-noncompliant") for n in names)


def test_the_noncompliant_aws_example_names_the_aws_managed_keys() -> None:
    code, report = check_json(str(EXAMPLES / "aws-snp-noncompliant"))
    assert code == 1
    messages = {f["message"] for f in report["findings"]
                if f["rule_id"] == "aws-ec2-confidential-require-customer-key"}
    assert messages == {
        "rootBlockDevice.kmsKeyId: no kmsKeyId: the AWS-managed key aws/ebs",
        "ebsBlockDevices[0].kmsKeyId: AWS-managed key alias/aws/ebs",
    }
    assert report["summary"]["mandatory"] == 2
    key_custody = next(r for r in report["responsibility"] if r["duty"] == "key-custody")
    assert key_custody["provider"] == [
        "urn:pulumi:dev::aws-snp-noncompliant::aws:ec2/instance:Instance::payments"]


def test_json_output_is_sorted_and_byte_identical_across_runs() -> None:
    first = run_cli("check", str(FIXTURES / "preview-aws-snp-new-key.json"), "--format", "json",
                    "--profile", "strict")
    second = run_cli("check", str(FIXTURES / "preview-aws-snp-new-key.json"), "--format",
                     "json", "--profile", "strict", env={"PYTHONHASHSEED": "7"})
    assert first.stdout == second.stdout
    findings = json.loads(first.stdout)["findings"]
    keys = [(f["resource"]["urn"], f["rule_id"], f["message"]) for f in findings]
    assert keys == sorted(keys)


def test_a_preview_on_stdin() -> None:
    data = (FIXTURES / "preview-aws-snp-new-key.json").read_bytes()
    result = run_cli("check", "-", "--format", "json", stdin=data)
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["resources"] == 5


def test_text_output_has_the_verdict_the_findings_and_the_matrix() -> None:
    result = run_cli("check", str(EXAMPLES / "aws-snp-noncompliant"))
    text = result.stdout.decode()
    assert result.returncode == 1
    assert text.startswith("FAIL: 2 mandatory")
    assert "aws-ec2-confidential-require" in text and "Responsibility matrix" in text
    assert "\x1b[" not in text, "no colour codes when stdout is not a terminal"


def test_strict_profile_blocks_on_advisory_rules(tmp_path: Path) -> None:
    default = run_cli("check", str(EXAMPLES / "aws-snp"))
    strict = run_cli("check", str(EXAMPLES / "aws-snp"), "--profile", "strict",
                     "--format", "json")
    assert default.returncode == 0
    assert strict.returncode == 1
    assert ("custodes-workload-require-attestation-bound-release", "payments") in mandatory(
        json.loads(strict.stdout))


def test_a_config_file_changes_enforcement_and_output_goes_to_a_file(tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"aws-ec2-confidential-require-customer-key": "advisory"}))
    out = tmp_path / "report.json"
    result = run_cli("check", str(EXAMPLES / "aws-snp-noncompliant"), "--config", str(config),
                     "--format", "json", "--output", str(out))
    assert result.returncode == 0 and result.stdout == b""
    report = json.loads(out.read_text())
    assert report["summary"]["mandatory"] == 0 and report["summary"]["advisory"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "a command is required"),
        (("check",), "the following arguments are required: PATH"),
        (("check", "no-such-file.json"), "no-such-file.json: no such file or directory"),
        (("check", "tests/fixtures/export-azure-cvm.json", "--format", "pdf"),
         "invalid choice: 'pdf'"),
        (("check", "tests/fixtures/export-azure-cvm.json", "--config", "missing.yaml"),
         "missing.yaml: no such configuration file"),
        (("check", "tests"), "tests: a directory without Pulumi.yaml"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_and_input_errors_are_one_line_and_exit_2(args: tuple[str, ...],
                                                        message: str) -> None:
    result = run_cli(*args) if args else run_cli()
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert stderr.count("\n") == 1 and stderr.startswith("custodes: error: "), stderr
    assert message in stderr
    assert "Traceback" not in stderr and result.stdout == b""


def test_a_bad_rule_configuration_names_the_rule_and_the_field(tmp_path: Path) -> None:
    config = tmp_path / "policy.yaml"
    config.write_text("custodes-workload-require-minimum-custody:\n  minimumCustody: vault\n")
    result = run_cli("check", str(FIXTURES / "export-azure-cvm.json"), "--config", str(config))
    assert result.returncode == 2
    assert "custodes-workload-require-minimum-custody: minimumCustody:" in result.stderr.decode()


def test_rules_lists_the_catalogue_as_json() -> None:
    result = run_cli("rules", "--format", "json")
    rules = json.loads(result.stdout)
    assert result.returncode == 0
    assert "aws-ec2-confidential-require-customer-key" in {r["id"] for r in rules}
    assert all(r["rationale"] and r["remediation"] for r in rules)


def test_the_committed_rule_catalogue_page_is_up_to_date() -> None:
    result = run_cli("rules", "--format", "markdown")
    page = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text()
    assert result.stdout.decode() == page, "regenerate: custodes rules --format markdown"
