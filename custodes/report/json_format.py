"""``--format json``: the versioned, machine-readable report (DESIGN.md contract, version 1)."""

from __future__ import annotations

from typing import Any

from custodes import jsontext
from custodes.engine import Finding, Report

SCHEMA_VERSION = 1


def finding_object(finding: Finding) -> dict[str, Any]:
    """One finding as the JSON contract spells it."""
    position = finding.source_position
    return {
        "rule_id": finding.rule_id,
        "title": finding.title,
        "severity": finding.severity,
        "enforcement": finding.enforcement,
        "resource": {"urn": finding.urn, "type": finding.type, "name": finding.name},
        "message": finding.message,
        "remediation": finding.remediation,
        "waived": finding.waived,
        "waiver_reason": finding.waiver_reason,
        "unresolved": finding.unresolved,
        "source": {"file": position.file, "line": position.line} if position else None,
    }


def document(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready object."""
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "custodes", "version": report.tool_version},
        "profile": report.profile,
        "findings": [finding_object(finding) for finding in report.findings],
        "responsibility": report.responsibility,
        "workloads": report.workloads,
        "summary": report.summary,
    }


def render(report: Report) -> str:
    """The report as JSON text (stable key order, one trailing newline)."""
    return render_bytes(report).decode("utf-8")


def render_bytes(report: Report) -> bytes:
    """:func:`render` as the UTF-8 bytes written (a report of 10,000 workloads is 25 MB)."""
    return jsontext.dumps_indented_bytes(document(report), ascii=True)
