"""``--format text``: the verdict, the findings by resource, the custody picture and the matrix."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from custodes.custody.responsibility import DUTIES, HOLDERS
from custodes.engine import Report

_ENFORCEMENT_STYLE = {"mandatory": "bold red", "advisory": "yellow", "disabled": "dim"}
# C0 and C1 control characters but newline: a resource name or message from the input
# must not move the cursor, recolour or clear the reader's terminal.
_CONTROLS = {code: "\ufffd" for code in (*range(0x00, 0x20), *range(0x7f, 0xa0)) if code != 0x0a}


def _clean(text: str) -> str:
    """Text from the input, shown as it is: never a control sequence.

    Appended to a ``Text`` as a plain string, it is never read as markup either.
    """
    return text.translate(_CONTROLS)


def verdict(report: Report) -> str:
    """The one-line verdict: PASS or FAIL with the counts."""
    summary = report.summary
    word = "PASS" if report.passed else "FAIL"
    return (
        f"{word}: {summary['mandatory']} mandatory, {summary['advisory']} advisory, "
        f"{summary['waived']} waived, {summary['unresolved']} unresolved — "
        f"{summary['resources']} resources, {len(report.custody.workloads)} confidential "
        f"workloads (profile {report.profile})"
    )


# Findings and workloads are listed line by line rather than as tables: a report of
# thousands of findings stays fast to lay out (a rich Table costs ~1.7 ms a row) and
# rule ids and paths are never folded mid-word.


def _findings(report: Report) -> Text:
    text = Text()
    text.append("Findings\n", style="bold")
    for _, findings in report.by_resource:
        first = findings[0]
        text.append(_clean(first.name))
        text.append(_clean(f"  {first.type}"), style="dim")
        if first.source_position:
            text.append(_clean(f"  {first.source_position}"), style="cyan")
        text.append("\n")
        for finding in findings:
            enforcement = "waived" if finding.waived else finding.enforcement
            text.append(f"  {enforcement:<9} ", style=_ENFORCEMENT_STYLE.get(enforcement, ""))
            text.append(f"{finding.severity:<8} {finding.rule_id}\n")
            text.append("    ")
            text.append(_clean(finding.message))
            text.append("\n")
            if finding.waived and finding.waiver_reason:
                text.append("    waived: ", style="dim")
                text.append(_clean(finding.waiver_reason))
                text.append("\n")
    return text


_BOUND = {True: "yes", False: "no", None: "unknown"}


def _workloads(report: Report) -> Text:
    text = Text()
    text.append("Confidential workloads and key custody\n", style="bold")
    for workload in report.custody:
        text.append(_clean(workload.resource.name))
        text.append(_clean(f"  {workload.resource.type}  {'/'.join(workload.technologies)}, "
                           f"founder {'/'.join(workload.founders)}, attestation policy "
                           f"{workload.attestation_policy}, verified by "
                           f"{workload.attestation_verifier}"), style="dim")
        text.append("\n")
        if not workload.keys:
            text.append("  no key found: custody unresolved\n")
        for key in workload.keys:
            text.append(f"  {key.label:<18} attested release {_BOUND[key.attestation_bound]:<8} ")
            text.append(_clean(key.path))
            text.append("\n")
    return text


def _matrix_table(report: Report) -> Table:
    table = Table(title="Responsibility matrix (workloads per holder)", title_justify="left")
    table.add_column("duty")
    for holder in HOLDERS:
        table.add_column(holder, justify="right")
    rows = {row["duty"]: row for row in report.responsibility}
    for duty in DUTIES:
        table.add_row(duty, *(str(len(rows[duty][holder])) for holder in HOLDERS))
    return table


def render(report: Report, *, color: bool = False, width: int = 120) -> str:
    """The report as text; plain (no colour codes) unless ``color``."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
        emoji=False,
        no_color=not color,
    )
    console.print(Text(verdict(report), style="bold green" if report.passed else "bold red"))
    console.print(_findings(report) if report.findings else Text("No findings."))
    if report.custody.workloads:
        console.print(_workloads(report))
        console.print(_matrix_table(report))
    return buffer.getvalue()
