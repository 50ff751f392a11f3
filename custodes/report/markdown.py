"""``--format markdown``: a pull-request comment.

A verdict line and the counts; the findings grouped by resource with where
each resource is declared and how to fix it; waived findings in a collapsed
section with their reason, owner and expiry; and the stack's
shared-responsibility matrix as a Mermaid picture (GitHub renders it) with a
per-workload table beside it. Long reports are cut to stay within what a
GitHub comment accepts, saying how much was left out.
"""

from __future__ import annotations

from custodes.custody.responsibility import DUTIES
from custodes.engine import Finding, Report
from custodes.report.grouping import ResourceGroup, unwaived_by_resource, waived
from custodes.report.picture import (
    DUTY_LABELS,
    HOLDER_MARKS,
    custody_holder,
    key_rows,
    mermaid,
    workload_rows,
)
from custodes.report.text import clean, rule_link, verdict

# GitHub refuses comments over 65,536 characters; leave room for the rest.
FINDINGS_BUDGET = 50_000
ENFORCEMENT_MARKS = {"mandatory": "🔴", "advisory": "🟡"}


def cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell: no pipes, no HTML, one line, no controls."""
    text = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def code(text: str) -> str:
    """``text`` as inline code, whatever backticks it holds; no control characters."""
    text = clean(text).replace("|", "\\|").replace("\n", " ")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _where(finding: Finding) -> str:
    return f" · {code(str(finding.source_position))}" if finding.source_position else ""


def _resource_section(report: Report, group: ResourceGroup) -> list[str]:
    first = group.first
    lines = [
        f"#### {code(first.name)} · {code(first.type)}{_where(first)}",
        "",
        "| | rule | finding | remediation |",
        "|---|---|---|---|",
    ]
    for row in group.rows:
        finding = row[0]
        level = f"{finding.enforcement} · {finding.severity}"
        if report.fails(finding):
            level = f"**{level}**"
        mark = ENFORCEMENT_MARKS.get(finding.enforcement, "")
        bullet = "• " if len(row) > 1 else ""
        messages = "<br>".join(f"{bullet}{cell(f.message)}" for f in row)
        lines.append(
            f"| {mark} {level} | [{code(finding.rule_id)}]({rule_link(report, finding.rule_id)})"
            f"<br>{cell(finding.title)} "
            f"| {messages} | {cell(finding.remediation)} |"
        )
    lines.append("")
    return lines


def _findings(report: Report) -> list[str]:
    groups = unwaived_by_resource(report)
    if not groups:
        return ["No unwaived findings.", ""]
    lines = ["### Findings", ""]
    used = 0
    for index, group in enumerate(groups):
        section = _resource_section(report, group)
        size = sum(len(line) + 1 for line in section)
        if used + size > FINDINGS_BUDGET and index > 0:
            rest = groups[index:]
            count = sum(group.count for group in rest)
            lines.append(f"… and {count} more finding{'s' if count != 1 else ''} on "
                         f"{len(rest)} more resource{'s' if len(rest) != 1 else ''}: see the "
                         "SARIF or JSON report for all of them.")
            lines.append("")
            break
        lines.extend(section)
        used += size
    return lines


def _waived(report: Report) -> list[str]:
    findings = waived(report)
    if not findings:
        return []
    lines = [
        f"<details><summary>Waived findings ({len(findings)})</summary>",
        "",
        "| resource | rule | finding | reason | owner | expires |",
        "|---|---|---|---|---|---|",
    ]
    for finding in findings:
        waiver = finding.waiver
        owner = cell(waiver.owner) if waiver else ""
        expires = waiver.expires.isoformat() if waiver else ""
        lines.append(
            f"| {code(finding.name)} | {code(finding.rule_id)} | {cell(finding.message)} "
            f"| {cell(finding.waiver_reason or '')} | {owner} | {expires} |"
        )
    lines += ["", "</details>", ""]
    return lines


def _responsibility(report: Report) -> list[str]:
    rows = workload_rows(report)
    lines = ["### Shared responsibility", ""]
    if not rows:
        return [*lines, "No confidential workloads in this stack.", ""]
    lines += ["Who holds each duty that keeps the provider out of the workloads' secrets:", "",
              "```mermaid", mermaid(report).rstrip("\n"), "```", ""]
    lines.append("| workload | " + " | ".join(DUTY_LABELS[duty] for duty in DUTIES) + " |")
    lines.append("|---" * (len(DUTIES) + 1) + "|")
    for name, _, holders in rows:
        lines.append(f"| {code(name)} | "
                     + " | ".join(f"{HOLDER_MARKS[h]} {h}" for h in holders) + " |")
    lines += ["", "Keys of each workload, and who holds them:", "",
              "| workload | key | custody | attested release |", "|---|---|---|---|"]
    for name, path, custody, bound in key_rows(report):
        lines.append(f"| {code(name)} | {code(path)} | {HOLDER_MARKS[custody_holder(custody)]} "
                     f"{custody} | {bound} |")
    lines.append("")
    return lines


def render(report: Report) -> str:
    """The report as a GitHub-flavoured Markdown comment."""
    summary = report.summary
    word = "✅ PASS" if report.passed else "❌ FAIL"
    lines = [
        f"## custodes: {word}",
        "",
        verdict(report),
        "",
        "| mandatory | advisory | waived | unresolved | resources | workloads |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {summary['mandatory']} | {summary['advisory']} | {summary['waived']} "
        f"| {summary['unresolved']} | {summary['resources']} | {len(report.custody.workloads)} |",
        "",
    ]
    lines += _findings(report)
    lines += _waived(report)
    lines += _responsibility(report)
    lines.append(f"<sub>custodes {report.tool_version} · profile {report.profile} · fails on "
                 f"{report.fail_on} findings</sub>")
    return "\n".join(lines) + "\n"
