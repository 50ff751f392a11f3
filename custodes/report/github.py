"""``--format github``: GitHub Actions workflow commands, and the Markdown report as step summary.

Each finding becomes an annotation on the line that declares its resource:
``::error`` when it fails the run, ``::warning`` for other unwaived
findings, ``::notice`` for waived ones (they stay visible). The last line is
the verdict. When ``$GITHUB_STEP_SUMMARY`` names a file, the Markdown report
is appended to it (:func:`append_step_summary`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from custodes.engine import Finding, Report
from custodes.errors import InputError
from custodes.report import markdown
from custodes.report.text import verdict

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


# Control characters the log would interpret (ESC starts a colour or cursor sequence):
# text from the input must not restyle or forge lines of the Actions log.
_CONTROLS = {code: "\ufffd" for code in (*range(0x00, 0x20), *range(0x7f, 0xa0))
             if code not in (0x0a, 0x0d)}


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as the Actions runner reads it."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escaped.translate(_CONTROLS)


def escape_property(text: str) -> str:
    """A workflow command's property value (``file=…``), escaped."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(report: Report, finding: Finding) -> str:
    """The workflow command that annotates one finding."""
    if finding.waived:
        name = "notice"
    elif report.fails(finding):
        name = "error"
    else:
        name = "warning"
    properties = []
    position = finding.source_position
    if position is not None and "://" not in position.file:
        properties += [f"file={escape_property(position.file)}", f"line={position.line}"]
        if position.column > 0:
            properties.append(f"col={position.column}")
    title = f"{finding.rule_id} ({finding.enforcement}, {finding.severity})"
    properties.append(f"title={escape_property(title)}")
    message = f"{finding.name} ({finding.type}): {finding.message}"
    if finding.waived:
        message += f"\nWaived: {finding.waiver_reason or ''}"
    else:
        message += f"\nRemediation: {finding.remediation}"
    return f"::{name} {','.join(properties)}::{escape_data(message)}"


def render(report: Report) -> str:
    """One workflow command per finding, then the verdict."""
    lines = [command(report, finding) for finding in report.findings]
    lines.append(verdict(report))
    return "\n".join(lines) + "\n"


def append_step_summary(report: Report, environ: Mapping[str, str]) -> bool:
    """Append the Markdown report to ``$GITHUB_STEP_SUMMARY`` if set; whether it was."""
    target = environ.get(STEP_SUMMARY)
    if not target:
        return False
    try:
        with Path(target).open("a", encoding="utf-8") as summary:
            summary.write(markdown.render(report))
    except OSError as error:
        raise InputError(f"{target}: cannot append the step summary ({error.strerror})") \
            from None
    return True
