"""``--format text``: a readable table of findings, the custody picture and the matrix below it."""

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


def _plain(text: str) -> Text:
    """Text from the input, shown as it is: never read as markup, never a control sequence."""
    return Text(text.translate(_CONTROLS))


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


def _findings_table(report: Report) -> Table:
    table = Table(title="Findings", title_justify="left", show_lines=False, expand=False)
    for column in ("enforcement", "severity", "rule", "resource", "message"):
        table.add_column(column, overflow="fold")
    for finding in report.findings:
        enforcement = "waived" if finding.waived else finding.enforcement
        resource = f"{finding.name} ({finding.type})"
        if finding.source_position:
            resource += f"\n{finding.source_position}"
        table.add_row(
            Text(enforcement, style=_ENFORCEMENT_STYLE.get(enforcement, "")),
            finding.severity,
            finding.rule_id,
            _plain(resource),
            _plain(finding.message),
        )
    return table


def _workloads_table(report: Report) -> Table:
    table = Table(title="Confidential workloads and key custody", title_justify="left")
    for column in ("workload", "TEE", "founder", "key", "custody", "attested release"):
        table.add_column(column, overflow="fold")
    for workload in report.custody:
        technologies = "/".join(workload.technologies)
        founders = "/".join(workload.founders)
        keys = workload.keys or ()
        if not keys:
            table.add_row(_plain(workload.resource.name), _plain(technologies), _plain(founders),
                          "—", "unresolved", "—")
        for index, key in enumerate(keys):
            bound = {True: "yes", False: "no", None: "unknown"}[key.attestation_bound]
            table.add_row(
                _plain(workload.resource.name if index == 0 else ""),
                _plain(technologies if index == 0 else ""),
                _plain(founders if index == 0 else ""),
                _plain(key.path),
                key.label,
                bound,
            )
    return table


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
    if report.findings:
        console.print(_findings_table(report))
    else:
        console.print("No findings.")
    if report.custody.workloads:
        console.print(_workloads_table(report))
        console.print(_matrix_table(report))
    return buffer.getvalue()
