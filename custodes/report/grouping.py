"""The findings as the page-like reports (Markdown, HTML) lay them out: by resource, then by rule.

Computed here once so that both reports show the same grouping: unwaived
findings per resource (in report order, see :attr:`~custodes.engine.Report.by_resource`),
and within a resource one row per (rule, enforcement) — a rule's several
findings on one resource share its title and remediation.
"""

from __future__ import annotations

from custodes.engine import Finding, Report
from custodes.records import record


@record
class ResourceGroup:
    """One resource's unwaived findings, as rows of findings of one rule each."""

    urn: str
    rows: tuple[tuple[Finding, ...], ...]

    @property
    def first(self) -> Finding:
        """A finding that names the resource (name, type, source position)."""
        return self.rows[0][0]

    @property
    def count(self) -> int:
        """How many findings the group holds."""
        return sum(len(row) for row in self.rows)


def unwaived_by_resource(report: Report) -> list[ResourceGroup]:
    """The unwaived findings of ``report``, grouped by resource and rule."""
    groups: list[ResourceGroup] = []
    for urn, findings in report.by_resource:
        rows: dict[tuple[str, str], list[Finding]] = {}
        for finding in findings:
            if not finding.waived:
                rows.setdefault((finding.rule_id, finding.enforcement), []).append(finding)
        if rows:
            groups.append(ResourceGroup(urn, tuple(tuple(row) for row in rows.values())))
    return groups


def waived(report: Report) -> list[Finding]:
    """The waived findings of ``report``, in report order."""
    return [finding for finding in report.findings if finding.waived]
