"""`custodes check` end to end, run as a user runs it: a child process, its exit code and output."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

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
        (("check",), ".: a directory without Pulumi.yaml"),  # no PATH: the current directory
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


def test_check_without_a_path_judges_the_current_directory() -> None:
    result = run_cli("check", "--format", "json", cwd=EXAMPLES / "aws-snp-noncompliant")
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(result.stdout)
    assert ("aws-ec2-confidential-require-customer-key", "payments") in mandatory(report)


def test_check_help_states_the_exit_codes_and_the_profiles_in_two_lines() -> None:
    result = run_cli("check", "--help")
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0
    codes = [line for line in lines if line.startswith("exit codes:")]
    profiles = [line for line in lines if line.startswith("profiles:")]
    assert len(codes) == 1 and len(profiles) == 1
    assert "0 no unwaived finding" in codes[0] and "1 at least one" in codes[0] \
        and "2 a usage or input error" in codes[0]
    assert "default (" in profiles[0] and "strict (" in profiles[0]
    assert lines.index(profiles[0]) == lines.index(codes[0]) + 1


def test_rules_has_a_header_and_says_what_the_enforcement_levels_mean() -> None:
    result = run_cli("rules")
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0
    legend = " ".join(lines[:lines.index("")])
    assert "mandatory finding fails the run" in legend and "advisory one is reported" in legend
    assert "default and the strict profile" in legend
    header = lines[lines.index("") + 1]
    assert header.split("\t") == ["id", "severity", "default/strict", "title"]
    rows = [line.split("\t") for line in lines[lines.index(header) + 1:]]
    assert all(len(row) == 4 for row in rows)
    ids = [row[0] for row in rows]
    assert "aws-ec2-confidential-require-customer-key" in ids
    assert "custodes-waiver-disallow-expired" in ids  # every rule a report can name


def test_rules_id_prints_one_rule_in_full() -> None:
    result = run_cli("rules", "custodes-workload-require-minimum-custody")
    output = result.stdout.decode()
    assert result.returncode == 0
    assert output.startswith("custodes-workload-require-minimum-custody: ")
    assert "advisory (default profile), mandatory (strict)" in output
    assert "\nWhy: A customer key in the provider's multi-tenant KMS" in output
    assert "\nFix: Create the key in a CloudHSM" in output
    assert "  minimumCustody (default 'customer-hsm')" in output
    assert "More: docs/rules.md#custodes-workload-require-minimum-custody" in output
    other = run_cli("rules", "aws-ec2-confidential-require-customer-key")
    assert "aws-ec2-confidential-require-customer-key" in other.stdout.decode()
    assert "minimumCustody" not in other.stdout.decode()


def test_rules_with_an_unknown_id_is_one_line_and_exit_2() -> None:
    result = run_cli("rules", "aws-no-such-rule")
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode() == ("custodes: error: no rule 'aws-no-such-rule' "
                                      "(`custodes rules` lists them)\n")


def test_every_rule_a_report_links_to_has_its_section_in_the_docs() -> None:
    from custodes.commands.rules import all_rules
    from custodes.waivers import WAIVER_RULES

    page = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text()
    headings = set(re.findall(r"^## (\S+)$", page, re.M))
    assert set(all_rules()) <= headings
    assert set(WAIVER_RULES) <= headings


def test_without_the_pulumi_sdk_running_a_program_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from custodes.errors import InputError
    from custodes.sources import program

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *rest: None if name == "pulumi" else find_spec(name, *rest))
    with pytest.raises(InputError) as raised:
        program.export_program(EXAMPLES / "aws-snp-noncompliant")
    message = str(raised.value)
    assert "needs the Pulumi SDK" in message
    assert "pip install 'custodes[aws]' (or custodes[azure], custodes[gcp], custodes[oci], " \
        "custodes[all])" in message
    assert "ModuleNotFoundError" not in message


def test_a_program_missing_a_provider_sdk_is_told_which_extra_installs_it(
        tmp_project: Any) -> None:
    project = tmp_project("import pulumi\nimport pulumi_no_such_sdk\n")
    result = run_cli("check", str(project))
    assert result.returncode == 2
    assert "No module named 'pulumi_no_such_sdk'" in result.stderr.decode()
    from custodes.sources.program import missing_sdk_hint

    assert missing_sdk_hint("ModuleNotFoundError: No module named 'pulumi_gcp'") == \
        " (install it with: pip install 'custodes[gcp]', or custodes[all])"
    assert missing_sdk_hint("ModuleNotFoundError: No module named 'pulumi_azure_native.x'") \
        == " (install it with: pip install 'custodes[azure]', or custodes[all])"
    assert "custodes[aws]" in missing_sdk_hint("No module named 'pulumi'")
    assert missing_sdk_hint("ModuleNotFoundError: No module named 'requests'") == ""


@pytest.mark.parametrize("report_format", ["json", "text"])
def test_a_report_larger_than_a_pipe_arrives_whole_before_the_process_ends(
        tmp_path: Path, report_format: str) -> None:
    # The console ends with os._exit, freeing nothing: what it wrote must all be out first.
    from benchmarks.synthetic import export_of, snp_fleet, write_json

    export = tmp_path / "fleet.json"
    write_json(export_of(snp_fleet(600), 0), str(export))
    result = run_cli("check", str(export), "--format", report_format)
    assert result.returncode == 1, result.stderr.decode()
    assert len(result.stdout) > 1 << 16  # more than a Linux pipe holds
    if report_format == "json":
        report = json.loads(result.stdout)
        assert len(report["workloads"]) == 600 and report["summary"]["resources"] == 902  # and the stack, the provider
    else:
        lines = result.stdout.decode().rstrip("\n").splitlines()
        assert lines[0].startswith("FAIL: ") and lines[-1] == lines[0]


def test_in_process_the_report_is_freed_as_usual(tmp_path: Path) -> None:
    # main(), as tests and the pack call it, leaves nothing alive for an exit that frees nothing.
    from custodes.cli import main
    from custodes.commands import output

    assert main(["check", str(FIXTURES / "preview-aws-snp-new-key.json"), "--format", "json",
                 "--output", str(tmp_path / "report.json")]) == 1
    assert output._left_for_exit is None
