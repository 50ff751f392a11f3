"""``--format github``: workflow commands on the declaring line, and the step summary."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from custodes.report import github
from tests.conftest import EXAMPLES, run_cli
from tests.report.conftest import NONCOMPLIANT, declaration_line, finding, hand_report

COMMAND = re.compile(r"^::(?P<name>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the Actions runner reads it (properties and message unescaped)."""
    match = COMMAND.match(line)
    assert match, line

    def unescape(text: str) -> str:
        for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","),
                               ("%25", "%")):
            text = text.replace(escaped, plain)
        return text

    props = dict(pair.split("=", 1) for pair in match.group("props").split(","))
    return (match.group("name"), {k: unescape(v) for k, v in props.items()},
            unescape(match.group("message")))


def test_mandatory_findings_are_errors_on_the_declaring_line(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = run_cli("check", str(NONCOMPLIANT), "--format", "github",
                     env={"GITHUB_STEP_SUMMARY": str(summary)})
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 1
    commands = [parse(line) for line in lines if line.startswith("::")]
    line = declaration_line(NONCOMPLIANT / "__main__.py", "aws.ec2.Instance(")
    assert len(commands) == 2
    for name, props, message in commands:
        assert name == "error"
        assert props["file"] == "examples/aws-snp-noncompliant/__main__.py"
        assert props["line"] == str(line)
        assert props["title"] == "aws-ec2-confidential-require-customer-key (mandatory, critical)"
        assert message.startswith("payments (aws:ec2/instance:Instance): ")
        assert "\nRemediation: Set kmsKeyId" in message
    assert lines[-1].startswith("FAIL: 2 mandatory")


def test_the_markdown_report_is_appended_to_the_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    run_cli("check", str(NONCOMPLIANT), "--format", "github",
            env={"GITHUB_STEP_SUMMARY": str(summary)})
    markdown = run_cli("check", str(NONCOMPLIANT), "--format", "markdown").stdout.decode()
    assert summary.read_text() == "# earlier step\n" + markdown


def test_without_the_variable_no_summary_is_written(tmp_path: Path) -> None:
    env = {"GITHUB_STEP_SUMMARY": ""}
    result = run_cli("check", str(NONCOMPLIANT), "--format", "github", env=env, cwd=tmp_path)
    assert result.returncode == 1 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["missing-dir", "directory", "read-only"])
def test_an_unwritable_summary_keeps_the_report_and_the_verdict(tmp_path: Path,
                                                                  where: str) -> None:
    """One outcome per run: annotations, verdict line and exit code, plus one warning line."""
    target = {"missing-dir": tmp_path / "no" / "such" / "dir.md",
              "directory": tmp_path, "read-only": tmp_path / "summary.md"}[where]
    if where == "read-only":
        target.write_text("# earlier step\n")
        target.chmod(0o444)
    written = run_cli("check", str(NONCOMPLIANT), "--format", "github",
                      env={"GITHUB_STEP_SUMMARY": str(target)})
    expected = run_cli("check", str(NONCOMPLIANT), "--format", "github",
                       env={"GITHUB_STEP_SUMMARY": ""})
    stderr = written.stderr.decode()
    if where == "read-only" and os.access(target, os.W_OK):  # root writes anyway
        assert written.returncode == 1 and stderr == ""
        return
    assert written.returncode == expected.returncode == 1
    assert written.stdout == expected.stdout
    assert written.stdout.decode().splitlines()[-1].startswith("FAIL: 2 mandatory")
    assert stderr.count("\n") == 1 and stderr.startswith("custodes: warning: ")
    assert "cannot append the step summary" in stderr and "Traceback" not in stderr


def test_an_unwritable_summary_of_a_passing_run_exits_0(tmp_path: Path) -> None:
    result = run_cli("check", str(EXAMPLES / "aws-snp"), "--format", "github",
                     env={"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "dir.md")})
    assert result.returncode == 0
    assert result.stderr.decode().count("\n") == 1


def test_advisory_findings_are_warnings_and_fail_on_advisory_makes_them_errors() -> None:
    default = run_cli("check", str(EXAMPLES / "aws-snp"), "--format", "github")
    strict = run_cli("check", str(EXAMPLES / "aws-snp"), "--format", "github",
                     "--fail-on", "advisory")
    warnings = [parse(line) for line in default.stdout.decode().splitlines()
                if line.startswith("::")]
    errors = [parse(line) for line in strict.stdout.decode().splitlines()
              if line.startswith("::")]
    assert default.returncode == 0 and warnings
    assert {name for name, _, _ in warnings} == {"warning"}
    assert strict.returncode == 1 and {name for name, _, _ in errors} == {"error"}
    assert [m for _, _, m in warnings] == [m for _, _, m in errors]


def test_waived_findings_stay_visible_as_notices(tmp_path: Path) -> None:
    waivers = tmp_path / "custodes-waivers.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n"
        "  - rule: aws-ec2-confidential-require-customer-key\n"
        "    resource: 'urn:pulumi:*::payments'\n"
        "    reason: migrating, see TICKET-1\n"
        "    owner: sec\n"
        "    expires: 2999-01-01\n"
    )
    # The default waivers file of the working directory is picked up.
    result = run_cli("check", str(NONCOMPLIANT), "--format", "github", cwd=tmp_path)
    commands = [parse(line) for line in result.stdout.decode().splitlines()
                if line.startswith("::")]
    assert result.returncode == 0
    assert [name for name, _, _ in commands] == ["notice", "notice"]
    assert all(m.endswith("\nWaived: migrating, see TICKET-1") for _, _, m in commands)


def test_messages_and_properties_are_escaped() -> None:
    report = hand_report([finding(message="50% done\nsecond: line, more")])
    (line,) = [line for line in github.render(report).splitlines() if line.startswith("::")]
    assert "\n" not in line
    name, props, message = parse(line)
    assert name == "error"
    assert message.startswith("vm (aws:ec2/instance:Instance): 50% done\nsecond: line, more")
    assert props["file"] == "infra/main.py" and props["line"] == "7"
