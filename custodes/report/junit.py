"""``--format junit``: JUnit XML for CI test reports.

One test suite per rule and one test case per (rule, resource) the engine
judged — passing cases included, so a CI system counts what was checked. A
case fails when one of its findings fails the run (``--fail-on``); a case
whose findings are all waived is skipped with the waiver's reason; advisory
findings below the threshold pass with their messages in ``system-out``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from custodes.engine import Finding, Report

# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _details(finding: Finding) -> str:
    lines = [
        f"[{finding.enforcement}/{finding.severity}] {finding.title}",
        f"resource: {finding.urn}",
        f"finding: {finding.message}",
    ]
    if finding.source_position is not None:
        lines.append(f"declared at: {finding.source_position}")
    if finding.waived:
        lines.append(f"waived: {finding.waiver_reason or ''}")
    lines.append(f"remediation: {finding.remediation}")
    return "\n".join(lines)


def cases(report: Report) -> dict[tuple[str, str], tuple[Finding, ...]]:
    """Every (rule id, URN) judged, with its findings (none for a passing case)."""
    grouped: dict[tuple[str, str], list[Finding]] = {key: [] for key in report.checks}
    for finding in report.findings:
        grouped.setdefault((finding.rule_id, finding.urn), []).append(finding)
    return {key: tuple(grouped[key]) for key in sorted(grouped)}


def _case(report: Report, rule_id: str, urn: str,
          findings: tuple[Finding, ...]) -> tuple[ElementTree.Element, str]:
    """A ``testcase`` element and its outcome: passed, failed or skipped."""
    case = ElementTree.Element("testcase", {"classname": rule_id, "name": _text(urn)})
    positions = [f.source_position for f in findings if f.source_position is not None]
    if positions:
        case.set("file", _text(positions[0].file))
        case.set("line", str(positions[0].line))
    failing = [finding for finding in findings if report.fails(finding)]
    details = _text("\n\n".join(_details(finding) for finding in findings))
    if failing:
        failure = ElementTree.SubElement(case, "failure", {
            "type": failing[0].enforcement,
            "message": _text("; ".join(finding.message for finding in failing)),
        })
        failure.text = details
        return case, "failed"
    if findings and all(finding.waived for finding in findings):
        reasons = "; ".join(sorted({finding.waiver_reason or "waived" for finding in findings}))
        skipped = ElementTree.SubElement(case, "skipped", {"message": _text(f"waived: {reasons}")})
        skipped.text = details
        return case, "skipped"
    if findings:
        ElementTree.SubElement(case, "system-out").text = details
    return case, "passed"


def render(report: Report) -> str:
    """The report as a JUnit XML document."""
    root = ElementTree.Element("testsuites", {"name": "custodes check"})
    suites: dict[str, ElementTree.Element] = {}
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    counts: dict[str, dict[str, int]] = {}
    for (rule_id, urn), findings in cases(report).items():
        if rule_id not in suites:
            suites[rule_id] = ElementTree.SubElement(root, "testsuite", {"name": rule_id})
            counts[rule_id] = {"tests": 0, "failures": 0, "skipped": 0}
        case, outcome = _case(report, rule_id, urn, findings)
        suites[rule_id].append(case)
        for tally in (counts[rule_id], totals):
            tally["tests"] += 1
            if outcome == "failed":
                tally["failures"] += 1
            elif outcome == "skipped":
                tally["skipped"] += 1
    for rule_id, suite in suites.items():
        for name, value in counts[rule_id].items():
            suite.set(name, str(value))
        suite.set("errors", "0")
    for name, value in totals.items():
        root.set(name, str(value))
    root.set("errors", "0")
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
