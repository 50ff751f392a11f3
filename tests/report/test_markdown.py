"""``--format markdown``: the pull-request comment, and its Mermaid picture rendered by Mermaid itself."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from custodes.report import markdown
from tests.conftest import EXAMPLES, run_cli
from tests.report.conftest import (
    NONCOMPLIANT,
    PREVIEW,
    SECRETS,
    RecordedPage,
    declaration_line,
    finding,
    hand_report,
)


def markdown_of(*args: str) -> tuple[int, str]:
    result = run_cli("check", *args, "--format", "markdown")
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.returncode, result.stdout.decode()


def mermaid_block(text: str) -> str:
    match = re.search(r"^```mermaid\n(.*?)^```$", text, re.S | re.M)
    assert match, "the comment has a Mermaid block"
    return match.group(1)


def test_the_comment_has_verdict_counts_findings_by_resource_and_the_matrix() -> None:
    code, text = markdown_of(str(NONCOMPLIANT))
    lines = text.splitlines()
    assert code == 1
    assert lines[0] == "## custodes: ❌ FAIL"
    assert lines[2].startswith("FAIL: 2 mandatory; 0 advisory; 0 waived")
    assert "| 2 | 0 | 0 | 0 | 2 | 1 |" in lines  # mandatory … workloads
    line = declaration_line(NONCOMPLIANT / "__main__.py", "aws.ec2.Instance(")
    heading = ("#### `payments` · `aws:ec2/instance:Instance` · "
               f"`examples/aws-snp-noncompliant/__main__.py:{line}`")
    assert heading in lines
    table = lines[lines.index(heading) + 2:]
    row = next(r for r in table if "aws-ec2-confidential-require-customer-key" in r)
    assert "• ebsBlockDevices[0].kmsKeyId: AWS-managed key alias/aws/ebs" in row
    assert "• rootBlockDevice.kmsKeyId" in row
    assert "customer managed KMS key" in row  # the remediation
    assert "### Shared responsibility" in lines
    assert "| `payments` | 🔴 provider | 🔴 unassigned | 🔴 unassigned | 🟡 founder " \
           "| 🟢 customer |" in lines
    picture = mermaid_block(text)
    assert "d_key_custody -->|1 workload| h_provider" in picture


def test_a_passing_stack_says_so() -> None:
    code, text = markdown_of(str(EXAMPLES / "aws-snp"))
    assert code == 0 and text.startswith("## custodes: ✅ PASS")


def test_waived_findings_are_collapsed_with_reason_owner_and_expiry(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n"
        "  - rule: aws-ec2-confidential-require-customer-key\n"
        "    resource: 'urn:pulumi:*::payments'\n"
        "    reason: CloudHSM cluster arrives in Q3\n"
        "    owner: platform-security\n"
        "    expires: 2999-06-30\n"
    )
    code, text = markdown_of(str(NONCOMPLIANT), "--waivers", str(waivers))
    assert code == 0 and text.startswith("## custodes: ✅ PASS")
    details = text[text.index("<details><summary>Waived findings (2)</summary>"):
                   text.index("</details>")]
    assert details.count("CloudHSM cluster arrives in Q3 | platform-security | 2999-06-30") == 2
    assert "No unwaived findings." in text
    assert "### Findings" not in text


def test_table_cells_cannot_break_the_table_or_inject_html() -> None:
    report = hand_report([finding(name="a|b", message="pipe | and <img src=x> and\nnewline")])
    text = markdown.render(report)
    row = next(line for line in text.splitlines() if "pipe" in line)
    assert "pipe \\| and &lt;img src=x&gt; and<br>newline" in row
    assert "<img" not in text
    assert "#### `a\\|b`" in text


def test_a_huge_report_stays_within_a_github_comment() -> None:
    findings = [finding(name=f"vm-{index:05d}", message="x" * 200) for index in range(3000)]
    text = markdown.render(hand_report(findings))
    assert len(text) < 65_536
    match = re.search(r"… and (\d+) more findings on (\d+) more resources", text)
    assert match
    shown = text.count("#### `vm-")
    assert shown + int(match.group(2)) == 3000 and int(match.group(1)) == 3000 - shown


def test_no_secret_reaches_the_comment() -> None:
    _, text = markdown_of(str(PREVIEW), "--profile", "strict")
    assert not any(secret in text for secret in SECRETS)


def test_mermaid_renders_the_picture(page: RecordedPage) -> None:
    """GitHub renders the block with Mermaid: so does this test, in Chromium."""
    script = os.environ.get("CUSTODES_MERMAID_JS", "")
    assert Path(script).is_file(), (
        "set CUSTODES_MERMAID_JS to mermaid.min.js from the npm package mermaid@11 "
        "(see .ci/run)")
    _, text = markdown_of(str(NONCOMPLIANT))
    page.page.set_content("<!DOCTYPE html><html><body><div id='out'></div></body></html>")
    page.page.add_script_tag(path=script)
    svg = page.page.evaluate(
        """async (code) => {
            mermaid.initialize({startOnLoad: false});
            const {svg} = await mermaid.render('matrix', code);
            document.getElementById('out').innerHTML = svg;
            return svg;
        }""",
        mermaid_block(text),
    )
    for label in ("key custody", "attestation verification", "cloud provider", "nobody",
                  "founder (silicon vendor)", "customer", "1 workload"):
        assert label in svg
    assert page.page.locator("#out svg").bounding_box()["height"] > 200
    assert not page.errors
    assert not [m for m in page.console if m.type == "error"]


@pytest.mark.parametrize("broken", ["flowchart LR\n    a -->|x| \n", "flowchart LR\n a[\"x]\n"])
def test_the_mermaid_check_would_catch_a_broken_picture(page: RecordedPage,
                                                        broken: str) -> None:
    script = os.environ.get("CUSTODES_MERMAID_JS", "")
    assert Path(script).is_file()
    page.page.set_content("<!DOCTYPE html><html><body></body></html>")
    page.page.add_script_tag(path=script)
    failed = page.page.evaluate(
        """async (code) => {
            mermaid.initialize({startOnLoad: false});
            try { await mermaid.render('broken', code); return false; }
            catch (error) { return true; }
        }""",
        broken,
    )
    assert failed


def test_rule_ids_link_to_their_section_of_the_docs_and_keys_show_their_custody() -> None:
    from dataclasses import replace

    _, text = markdown_of(str(NONCOMPLIANT))
    rule = "aws-ec2-confidential-require-customer-key"
    assert f"[`{rule}`](docs/rules.md#{rule})" in text
    assert "| workload | key | custody | attested release |" in text
    assert "| `payments` | `rootBlockDevice.kmsKeyId` | 🔴 provider | no |" in text
    served = markdown.render(replace(hand_report([finding()]), docs_url="https://d.example/r"))
    assert f"[`{rule}`](https://d.example/r#{rule})" in served


def test_control_characters_from_the_input_are_neutralised() -> None:
    report = hand_report([finding(name="vm\x1b[2Jx", message="bad\x1b]0;title\x07 message\x00")])
    text = markdown.render(report)
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    assert "bad\ufffd]0;title\ufffd message\ufffd" in text
