"""``--format text``, the default and what CI logs show: what to fix, lines that read whole."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from custodes.custody.responsibility import DUTIES, HOLDERS
from custodes.report import text
from tests.conftest import EXAMPLES, run_cli
from tests.report.conftest import NONCOMPLIANT, PREVIEW, finding, hand_report, report_of

KEY_RULE = "aws-ec2-confidential-require-customer-key"
LONG = "rootBlockDevice.kmsKeyId: " + " ".join(["a long explanation"] * 20)


def test_each_finding_says_how_to_fix_it_and_where_to_read_more() -> None:
    report = hand_report([finding(name="vm", message="rootBlockDevice.kmsKeyId: no key"),
                          finding(name="vm", message="ebsBlockDevices[0].kmsKeyId: no key")])
    lines = text.render(report).splitlines()  # declared in infra/main.py: Python's names
    first = lines.index("    root_block_device.kms_key_id: no key")
    # Both messages of the rule, then its remediation once and where to read more.
    assert lines[first - 1] == "    ebs_block_devices[0].kms_key_id: no key"
    assert lines[first + 1] == "    fix: Use a customer key."
    assert lines[first + 2] == (f"    more: `custodes rules {KEY_RULE}` or "
                                f"docs/rules.md#{KEY_RULE}")


def test_a_waived_finding_shows_its_reason_not_a_fix() -> None:
    report = hand_report([finding(waived=True, waiver_reason="HSM in Q3")])
    lines = text.render(report).splitlines()
    assert "    waived: HSM in Q3" in lines
    assert not any(line.startswith("    fix:") for line in lines)


def test_the_verdict_is_the_first_and_the_last_line() -> None:
    report = hand_report([finding(name=f"vm{index}") for index in range(30)])
    lines = text.render(report).splitlines()
    assert lines[0].startswith("FAIL: 30 mandatory; 0 advisory; 0 waived — 30 resources, ")
    assert lines[-1] == lines[0]


def test_counts_are_singular_or_plural_and_unresolved_is_part_of_advisory() -> None:
    unresolved = [finding(name=f"vm{index}", enforcement="advisory", unresolved=True,
                          message=f"unresolved: kmsKeyId {index}") for index in range(3)]
    advisory = [finding(name=f"other{index}", enforcement="advisory") for index in range(2)]
    report = hand_report([*unresolved, *advisory])
    verdict = text.verdict(report)
    assert verdict.startswith("PASS: 0 mandatory; 5 advisory, of which 3 unresolved; 0 waived")
    assert "— 5 resources, 0 confidential workloads (profile default)" in verdict
    one = text.verdict(hand_report([finding()]))
    assert "— 1 resource, 0 confidential workloads" in one


def test_the_example_names_one_confidential_workload_in_the_singular() -> None:
    result = run_cli("check", str(NONCOMPLIANT))
    first = result.stdout.decode().splitlines()[0]
    assert first.endswith("— 2 resources, 1 confidential workload (profile default)")


def test_without_a_terminal_or_columns_lines_are_never_wrapped_nor_end_in_spaces() -> None:
    report = hand_report([finding(message=LONG, source_position=None)])
    output = text.render(report)
    assert f"    {LONG}\n" in output
    assert all(line == line.rstrip() for line in output.splitlines())


def test_columns_sets_the_width_of_piped_output() -> None:
    wide = run_cli("check", str(NONCOMPLIANT), env={"COLUMNS": "200"})
    unset = run_cli("check", str(NONCOMPLIANT), env={"COLUMNS": ""})
    narrow = run_cli("check", str(NONCOMPLIANT), env={"COLUMNS": "60"})
    for result in (wide, unset, narrow):
        assert result.returncode == 1, result.stderr.decode()
        lines = result.stdout.decode().splitlines()
        assert lines[0] == lines[-1]
        assert all(line == line.rstrip() for line in lines), "no trailing spaces"
    unset_lines = unset.stdout.decode().splitlines()
    fix = next(line for line in unset_lines if line.startswith("    fix: "))
    assert len(fix) > 120, "the remediation is one line, however long"
    assert unset_lines[0].endswith("(profile default)")
    assert wide.stdout == unset.stdout  # nothing in this report is wider than 200
    # Wrapped at 60 columns but for the verdict, one line first and last.
    verdict = unset_lines[0]
    assert len(verdict) > 60
    assert max(len(line) for line in narrow.stdout.decode().splitlines()
               if line != verdict) <= 60


def test_a_python_programs_paths_are_shown_as_written_and_json_keeps_pulumis() -> None:
    result = run_cli("check", str(NONCOMPLIANT))
    output = result.stdout.decode()
    assert "    root_block_device.kms_key_id: no kms_key_id: the AWS-managed key aws/ebs" \
        in output.splitlines()
    assert "ebs_block_devices[0].kms_key_id" in output
    assert "rootBlockDevice" not in output.split("Confidential workloads")[0]
    document = json.loads(run_cli("check", str(NONCOMPLIANT), "--format", "json").stdout)
    assert "rootBlockDevice.kmsKeyId: no kmsKeyId: the AWS-managed key aws/ebs" in {
        f["message"] for f in document["findings"]}


def test_paths_are_rewritten_only_where_the_language_is_known_and_only_the_path() -> None:
    message = "unresolved: rootBlockDevice.kmsKeyId: key myKey is in store cks-1"
    assert text.as_written(message, "python") == \
        "unresolved: root_block_device.kms_key_id: key myKey is in store cks-1"
    assert text.as_written(message, None) == message
    assert text.as_written("TDX needs onHostMaintenance TERMINATE", "python") == \
        "TDX needs onHostMaintenance TERMINATE"
    # A preview of a program in a language custodes does not know keeps Pulumi's names.
    assert text.language(finding(source_position=None).source_position) is None
    assert PREVIEW.is_file()


def test_the_examples_text_report_has_every_section_on_whole_lines() -> None:
    result = run_cli("check", str(EXAMPLES / "aws-snp"), "--profile", "strict")
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("FAIL: ") and lines[-1] == lines[0]
    assert "Confidential workloads and key custody" in lines
    assert any(line.startswith("    more: `custodes rules ") for line in lines)


@pytest.mark.parametrize("source", ["examples", "hostile"])
def test_the_unwrapped_report_is_what_rich_lays_out_at_an_unbounded_width(source: str) -> None:
    # Without colour or a width the report's lines are joined directly (issue 15: Rich took
    # seconds for 10,000 resources); they must be the lines Rich writes when nothing wraps.
    if source == "examples":
        reports = [report_of(path) for path in (PREVIEW, NONCOMPLIANT)]
    else:
        names = ["vm\x1b[31m", "tab\there", "bell\x07", "crlf\r\nnext", "é😀\u2028", "  pad  "]
        reports = [hand_report([finding(name=name, message=f"kmsKeyId: {name} [b]x[/b]",
                                        waived=index % 2 == 1, waiver_reason=name)
                                for index, name in enumerate(names)])]
    for report in reports:
        assert report.findings
        assert text.render(report) == text.render(report, width=1_000_000)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**13), min_size=25, max_size=25))
def test_the_plain_matrix_is_the_table_rich_lays_out_for_any_counts(counts: list[int]) -> None:
    # The plain report draws the responsibility matrix itself (Rich is not imported for it):
    # box, column widths and justification must be Rich's, whatever the counts' widths.
    cells = text._matrix_cells({(duty, holder): counts[row * len(HOLDERS) + column]
                                for row, duty in enumerate(DUTIES)
                                for column, holder in enumerate(HOLDERS)})
    buffer = io.StringIO()
    Console(file=buffer, width=1_000_000, color_system=None, force_terminal=False,
            highlight=False, emoji=False, no_color=True).print(text._matrix_table(cells))
    drawn = "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))
    assert text._matrix_plain(cells) == drawn.removesuffix("\n")
    body = [[cell.strip() for cell in line.split("│")[1:-1]] for line in drawn.splitlines()[4:9]]
    assert body == [[duty, *map(str, counts[row * len(HOLDERS):(row + 1) * len(HOLDERS)])]
                    for row, duty in enumerate(DUTIES)]


@pytest.mark.parametrize("source", [NONCOMPLIANT, PREVIEW], ids=["program", "preview"])
def test_the_matrix_counts_are_the_lengths_of_the_json_matrix_cells(source: Path) -> None:
    report = report_of(source)
    counts = text._matrix_counts(report)
    for row in report.responsibility:
        for holder in HOLDERS:
            assert counts[row["duty"], holder] == len(row[holder])
    assert sum(counts.values()) == len(DUTIES) * len(report.custody.workloads) > 0
