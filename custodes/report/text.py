"""``--format text``: the verdict, the findings by resource, the custody picture and the matrix.

The default format, and what CI logs show. The verdict is the first line and
the last, so neither ``head -1`` nor the end of a long log loses it. Each
finding says how to fix it and where to read more (``custodes rules <id>``,
``docs/rules.md#<id>``). Lines are wrapped only at a width the caller gives
(a terminal's, or ``COLUMNS``); never otherwise, and no line ends in spaces.
Property paths are shown as the user wrote them when the program's language
is known (:func:`as_written`); JSON and SARIF keep Pulumi's names.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

from custodes.custody.responsibility import DUTIES, HOLDERS
from custodes.engine import Finding, Report
from custodes.model import SourcePosition

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

_ENFORCEMENT_STYLE = {"mandatory": "bold red", "advisory": "yellow", "disabled": "dim"}
# C0 and C1 control characters but newline: a resource name or message from the input
# must not move the cursor, recolour or clear the reader's terminal.
_CONTROLS = {code: "\ufffd" for code in (*range(0x00, 0x20), *range(0x7f, 0xa0)) if code != 0x0a}
_ANY_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_ASCII_CONTROLS = bytes([*range(0x00, 0x0a), *range(0x0b, 0x20), 0x7f])
# Where the rule catalogue is published in the repository (``custodes rules --format markdown``).
RULES_PAGE = "docs/rules.md"
# Wide enough that nothing is ever wrapped when no width is given.
_UNWRAPPED = 1_000_000


def clean(text: str) -> str:
    """Text from the input, shown as it is: never a control sequence.

    Appended to a ``Text`` as a plain string, it is never read as markup either.
    """
    # Most text has no control character: finding that out is faster than translate, and
    # for ASCII text (a whole report's, megabytes) faster still as bytes deleted in C.
    if text.isascii():
        data = text.encode("ascii")
        if len(data.translate(None, _ASCII_CONTROLS)) == len(data):
            return text
    elif not _ANY_CONTROL.search(text):
        return text
    return text.translate(_CONTROLS)


def _as_is(text: str) -> str:
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def verdict(report: Report) -> str:
    """The one-line verdict: PASS or FAIL with the counts.

    Unresolved findings are counted inside the enforcement they carry
    ("5 advisory, of which 3 unresolved"); waived findings apart.
    """
    unwaived = [finding for finding in report.findings if not finding.waived]
    parts = []
    for level in ("mandatory", "advisory"):
        count = sum(1 for finding in unwaived if finding.enforcement == level)
        unresolved = sum(1 for finding in unwaived
                         if finding.enforcement == level and finding.unresolved)
        parts.append(f"{count} {level}" + (f", of which {unresolved} unresolved"
                                           if unresolved else ""))
    parts.append(f"{report.summary['waived']} waived")
    word = "PASS" if report.passed else "FAIL"
    return (f"{word}: {'; '.join(parts)} — {_plural(report.resources, 'resource')}, "
            f"{_plural(len(report.custody.workloads), 'confidential workload')} "
            f"(profile {report.profile})")


@lru_cache(maxsize=4096)
def _snake(name: str) -> str:
    """A Pulumi (camelCase) property name as the Python SDK spells it."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


_PATH = re.compile(r"[A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*")
_CAMEL = re.compile(r"\b[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b")
_PREFIX = "unresolved: "


@lru_cache(maxsize=4096)
def _python_path(path: str) -> str:
    # A few key paths recur on thousands of workloads.
    return _CAMEL.sub(lambda match: _snake(match.group(0)), path)


def language(position: SourcePosition | None) -> str | None:
    """The language of the program a position is in, when custodes knows it (``python``)."""
    if position is not None and position.file.endswith(".py"):
        return "python"
    return None


def as_written(message: str, language_name: str | None) -> str:
    """``message`` with its property path as the program spells it.

    A message names the property it judges first (``rootBlockDevice.kmsKeyId:
    …``, Pulumi's camelCase). For a Python program the path, and the same
    names later in the message, are shown in snake_case
    (``root_block_device.kms_key_id``); anything else in the message (resource
    names, values) is left alone. Other languages: unchanged.
    """
    if language_name != "python":
        return message
    return _in_python(message)


@lru_cache(maxsize=8192)
def _in_python(message: str) -> str:
    """:func:`as_written` for Python (one rule's message recurs on thousands of resources)."""
    prefix = _PREFIX if message.startswith(_PREFIX) else ""
    rest = message[len(prefix):]
    match = _PATH.match(rest)
    if match is None or not rest[match.end():].startswith(": "):
        return message
    python_path, names = _spelled(match.group(0))
    if not names:
        return message
    tail = rest[match.end():]
    if any(name in tail for name in names):  # most tails repeat none of the path's names
        tail = _CAMEL.sub(lambda m: _snake(m.group(0)) if m.group(0) in names else m.group(0),
                          tail)
    return f"{prefix}{python_path}{tail}"


@lru_cache(maxsize=4096)
def _spelled(path: str) -> tuple[str, frozenset[str]]:
    """A property path as Python spells it, and the camelCase names in it (a few paths
    recur in thousands of messages)."""
    return _python_path(path), frozenset(_CAMEL.findall(path))


def _groups(findings: tuple[Finding, ...]) -> list[list[Finding]]:
    """Consecutive findings of one rule, enforcement and waived state."""
    groups: list[list[Finding]] = []
    for finding in findings:
        last = groups[-1][0] if groups else None
        if last is not None and (last.rule_id, last.enforcement, last.waived) == (
                finding.rule_id, finding.enforcement, finding.waived):
            groups[-1].append(finding)
        else:
            groups.append([finding])
    return groups


def rule_link(report: Report, rule_id: str) -> str:
    """The address of a rule's section of docs/rules.md (``--docs-url``, else the relative page)."""
    return f"{report.docs_url or RULES_PAGE}#{rule_id}"


@lru_cache(maxsize=1024)
def read_more(rule_id: str) -> str:
    """Where a rule's rationale, remediation and settings are."""
    return f"`custodes rules {rule_id}` or {RULES_PAGE}#{rule_id}"


# Findings and workloads are listed line by line rather than as tables: a report of
# thousands of findings stays fast to lay out (a rich Table costs ~1.7 ms a row) and
# rule ids and paths are never folded mid-word.


# A report's text as pieces: (text, Rich style). Laid out by Rich for a terminal (colour,
# wrapping); joined as they are otherwise (a file or a CI log), which is what Rich writes
# for them without colour or a width (and, for 10k resources, seconds faster).
Pieces = list[tuple[str, str]]


def _findings(report: Report, clean: Callable[[str], str] = clean) -> Pieces:
    pieces: Pieces = [("Findings\n", "bold")]
    add = pieces.append
    for _, findings in report.by_resource:
        first = findings[0]
        spoken = language(first.source_position)
        add((clean(first.name), ""))
        add((clean(f"  {first.type}"), "dim"))
        if first.source_position:
            add((clean(f"  {first.source_position}"), "cyan"))
        add(("\n", ""))
        for group in _groups(findings):
            finding = group[0]
            enforcement = "waived" if finding.waived else finding.enforcement
            add((f"  {enforcement:<9} ", _ENFORCEMENT_STYLE.get(enforcement, "")))
            add((f"{finding.severity:<8} {finding.rule_id}\n", ""))
            for each in group:
                add(("    " + clean(as_written(each.message, spoken)) + "\n", ""))
                if each.waived and each.waiver_reason:
                    add(("    waived: ", "dim"))
                    add((clean(each.waiver_reason) + "\n", ""))
            if not finding.waived:
                add(("    fix: ", "bold"))
                add((clean(finding.remediation) + "\n", ""))
                add((f"    more: {read_more(finding.rule_id)}\n", "dim"))
    return pieces


_BOUND = {True: "yes", False: "no", None: "unknown"}


def _workloads(report: Report, clean: Callable[[str], str] = clean) -> Pieces:
    pieces: Pieces = [("Confidential workloads and key custody\n", "bold")]
    add = pieces.append
    for workload in report.custody:
        spoken = language(workload.resource.source_position)
        add((clean(workload.resource.name), ""))
        add((clean(f"  {workload.resource.type}  {'/'.join(workload.technologies)}, "
                   f"founder {'/'.join(workload.founders)}, attestation policy "
                   f"{workload.attestation_policy}, verified by "
                   f"{workload.attestation_verifier}"), "dim"))
        add(("\n", ""))
        if not workload.keys:
            add(("  no key found: custody unresolved\n", ""))
        for key in workload.keys:
            add((f"  {key.label:<18} attested release {_BOUND[key.attestation_bound]:<8} ", ""))
            add((clean(_python_path(key.path) if spoken == "python" else key.path) + "\n", ""))
    return pieces


def _text(pieces: Pieces) -> Text:
    """The pieces as one Rich ``Text``."""
    from rich.text import Text

    text = Text()
    for piece, style in pieces:
        text.append(piece, style=style)
    return text


_MATRIX_TITLE = "Responsibility matrix (workloads per holder)"


def _matrix_cells(counts: Mapping[tuple[str, str], int]) -> list[list[str]]:
    """The matrix as text cells: the header row, then one row per duty (the number of
    workloads of each (duty, holder))."""
    return [["duty", *HOLDERS],
            *([duty, *(str(counts.get((duty, holder), 0)) for holder in HOLDERS)]
              for duty in DUTIES)]


def _matrix_counts(report: Report) -> Counter[tuple[str, str]]:
    """How many workloads each holder holds each duty for (Report.responsibility's URN
    lists, sorted, are not needed for counts)."""
    return Counter(chain.from_iterable(held.items() for held in report.duties))


def _matrix_table(cells: list[list[str]]) -> Table:
    from rich.table import Table

    header, *rows = cells
    table = Table(title=_MATRIX_TITLE, title_justify="left")
    table.add_column(header[0])
    for holder in header[1:]:
        table.add_column(holder, justify="right")
    for row in rows:
        table.add_row(*row)
    return table


def _matrix_plain(cells: list[list[str]]) -> str:
    """The matrix as :func:`_matrix_table` lays it out with neither colour nor a width
    (Rich's heavy-head box; the duty column left-justified, the counts right), without
    importing Rich: a plain report of any size needs nothing else from it."""
    widths = [max(len(row[column]) for row in cells) for column in range(len(cells[0]))]

    def line(row: list[str], bar: str) -> str:
        texts = [row[0].ljust(widths[0]), *(cell.rjust(width)
                                            for cell, width in zip(row[1:], widths[1:], strict=True))]
        return bar + bar.join(f" {text} " for text in texts) + bar

    def border(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (width + 2) for width in widths) + right

    header, *rows = cells
    return "\n".join([_MATRIX_TITLE, border("┏", "━", "┳", "┓"), line(header, "┃"),
                      border("┡", "━", "╇", "┩"), *(line(row, "│") for row in rows),
                      border("└", "─", "┴", "┘")])


def render(report: Report, *, color: bool = False, width: int | None = None) -> str:
    """The report as text; plain (no colour codes) unless ``color``.

    ``width``: wrap lines at this many columns (a terminal's width); ``None``
    never wraps. The verdict, first and last, is one line whatever the width.
    No line ends in spaces.
    """
    head = verdict(report)
    plain = not color and width is None
    # Plain text is cleaned once, joined (the same characters replaced), not piece by piece.
    pieces_clean = _as_is if plain else clean
    findings = _findings(report, pieces_clean) if report.findings else [("No findings.", "")]
    workloads = _workloads(report, pieces_clean) if report.custody.workloads else None
    if plain:
        # Neither colour nor wrapping: what Rich would write is the pieces' text, each
        # block ended by a newline; the matrix as Rich lays it out, without Rich.
        blocks = [head, clean("".join([piece for piece, _ in findings]))]
        if workloads is not None:
            blocks.append(clean("".join([piece for piece, _ in workloads])))
            blocks.append(_matrix_plain(_matrix_cells(_matrix_counts(report))))
        blocks.append(head)
        text = "\n".join(blocks) + "\n"
        return _without_trailing_spaces(text)
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or _UNWRAPPED,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
        emoji=False,
        no_color=not color,
    )
    soft = width is None
    heading = Text(head, style="bold green" if report.passed else "bold red")
    # The verdict is never cut: ``head -1`` reads all of it (a terminal folds it).
    console.print(heading, soft_wrap=True)
    console.print(_text(findings), soft_wrap=soft)
    if workloads is not None:
        console.print(_text(workloads), soft_wrap=soft)
        console.print(_matrix_table(_matrix_cells(_matrix_counts(report))))
    console.print(heading, soft_wrap=True)
    return _without_trailing_spaces(buffer.getvalue())


def _without_trailing_spaces(text: str) -> str:
    """``text`` with no line ending in spaces (a scan first: most reports have none)."""
    if " \n" not in text and not text.endswith(" "):
        return text
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))
