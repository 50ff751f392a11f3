"""``--format html``: the Markdown report's content as one self-contained page.

No script, no external resource (a Content-Security-Policy forbids both), so
the page opens the same from a CI artifact, an e-mail or a file share. The
responsibility matrix is drawn as inline SVG (:func:`custodes.report.picture.svg`).
"""

from __future__ import annotations

from html import escape as html_escape

from custodes.custody.responsibility import DUTIES
from custodes.engine import Report
from custodes.report.grouping import unwaived_by_resource, waived
from custodes.report.picture import (
    COLOURS,
    DUTY_LABELS,
    HOLDER_TONES,
    custody_holder,
    key_rows,
    svg,
    workload_rows,
)
from custodes.report.text import clean, rule_link, verdict

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .35rem .6rem; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; }
td.count, th.count { text-align: right; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
       font-size: .9em; background: #f6f8fa; padding: .1em .3em; border-radius: 4px; }
.verdict { font-weight: 600; padding: .5rem .75rem; border-radius: 6px; }
.pass { background: #d1e7dd; color: #0a3622; }
.fail { background: #f8d7da; color: #58151c; }
.mandatory { color: #b02a37; font-weight: 600; }
.advisory { color: #997404; font-weight: 600; }
.failing { background: #fff5f5; }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: 600; }
td ul { margin: 0; padding-left: 1.1rem; }
footer { margin-top: 2rem; color: #59636e; font-size: .85rem; }
"""
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def escape(text: str) -> str:
    """``text`` from the input as HTML text: escaped, and no control character."""
    return html_escape(clean(text))


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _holder_cell(holder: str) -> str:
    fill, _, text = COLOURS[HOLDER_TONES[holder]]
    return f'<td style="background:{fill};color:{text}">{escape(holder)}</td>'


def _findings(report: Report) -> list[str]:
    parts = ["<h2>Findings</h2>"]
    groups = unwaived_by_resource(report)
    if not groups:
        return [*parts, "<p>No unwaived findings.</p>"]
    for group in groups:
        first = group.first
        where = f" · {_code(str(first.source_position))}" if first.source_position else ""
        parts.append(f"<h3 title=\"{escape(group.urn)}\">{_code(first.name)} · "
                     f"{_code(first.type)}{where}</h3>")
        parts.append("<table><thead><tr><th>enforcement</th><th>rule</th><th>finding</th>"
                     "<th>remediation</th></tr></thead><tbody>")
        for row in group.rows:
            finding = row[0]
            classes = ' class="failing"' if report.fails(finding) else ""
            messages = (escape(finding.message) if len(row) == 1 else
                        "<ul>" + "".join(f"<li>{escape(f.message)}</li>" for f in row) + "</ul>")
            parts.append(
                f"<tr{classes}><td><span class=\"{escape(finding.enforcement)}\">"
                f"{escape(finding.enforcement)}</span> · {escape(finding.severity)}</td>"
                f"<td><a href=\"{escape(rule_link(report, finding.rule_id))}\">"
                f"{_code(finding.rule_id)}</a><br>{escape(finding.title)}</td>"
                f"<td>{messages}</td><td>{escape(finding.remediation)}</td></tr>"
            )
        parts.append("</tbody></table>")
    return parts


def _waived(report: Report) -> list[str]:
    findings = waived(report)
    if not findings:
        return []
    parts = [f"<details><summary>Waived findings ({len(findings)})</summary>",
             "<table><thead><tr><th>resource</th><th>rule</th><th>finding</th><th>reason</th>"
             "<th>owner</th><th>expires</th></tr></thead><tbody>"]
    for finding in findings:
        waiver = finding.waiver
        parts.append(
            f"<tr><td>{_code(finding.name)}</td><td>{_code(finding.rule_id)}</td>"
            f"<td>{escape(finding.message)}</td><td>{escape(finding.waiver_reason or '')}</td>"
            f"<td>{escape(waiver.owner) if waiver else ''}</td>"
            f"<td>{waiver.expires.isoformat() if waiver else ''}</td></tr>"
        )
    parts.append("</tbody></table></details>")
    return parts


def _responsibility(report: Report) -> list[str]:
    parts = ["<h2>Shared responsibility</h2>"]
    rows = workload_rows(report)
    if not rows:
        return [*parts, "<p>No confidential workloads in this stack.</p>"]
    parts.append("<p>Who holds each duty that keeps the provider out of the workloads' "
                 "secrets:</p>")
    parts.append(f'<figure id="responsibility">{svg(report)}</figure>')
    header = "".join(f"<th>{escape(DUTY_LABELS[duty])}</th>" for duty in DUTIES)
    parts.append(f"<table><thead><tr><th>workload</th>{header}</tr></thead><tbody>")
    for name, urn, holders in rows:
        cells = "".join(_holder_cell(holder) for holder in holders)
        parts.append(f"<tr><td title=\"{escape(urn)}\">{_code(name)}</td>{cells}</tr>")
    parts.append("</tbody></table>")
    parts.append("<h3>Keys of each workload, and who holds them</h3>")
    parts.append("<table><thead><tr><th>workload</th><th>key</th><th>custody</th>"
                 "<th>attested release</th></tr></thead><tbody>")
    for name, path, custody, bound in key_rows(report):
        fill, _, text = COLOURS[HOLDER_TONES[custody_holder(custody)]]
        parts.append(f"<tr><td>{_code(name)}</td><td>{_code(path)}</td>"
                     f'<td style="background:{fill};color:{text}">{escape(custody)}</td>'
                     f"<td>{escape(bound)}</td></tr>")
    parts.append("</tbody></table>")
    return parts


def render(report: Report) -> str:
    """The report as a self-contained HTML page."""
    summary = report.summary
    state = "pass" if report.passed else "fail"
    counts = ("mandatory", "advisory", "waived", "unresolved", "resources")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>custodes: {state.upper()}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>custodes: {state.upper()}</h1>",
        f'<p class="verdict {state}">{escape(verdict(report))}</p>',
        "<table><thead><tr>"
        + "".join(f'<th class="count">{name}</th>' for name in counts)
        + '<th class="count">workloads</th></tr></thead><tbody><tr>'
        + "".join(f'<td class="count">{summary[name]}</td>' for name in counts)
        + f'<td class="count">{len(report.custody.workloads)}</td></tr></tbody></table>',
    ]
    parts += _findings(report)
    parts += _waived(report)
    parts += _responsibility(report)
    parts.append(f"<footer>custodes {escape(report.tool_version)} · profile "
                 f"{escape(report.profile)} · fails on {escape(report.fail_on)} findings</footer>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
