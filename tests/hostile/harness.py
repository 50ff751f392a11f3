"""Run custodes on hostile input and judge the outcome as a user in CI would.

Every outcome is one of two things: a report (exit 0 or 1, the report on
stdout, nothing on stderr), or exit 2 with exactly one line on stderr that
says ``custodes: error: …``. Never a traceback, never "internal error",
never a report and an error mixed.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from custodes import cli
from custodes.engine import Report
from custodes.report import renderers


@dataclass(frozen=True)
class Outcome:
    """What one run of the command line produced."""

    code: int
    stdout: str
    stderr: str

    @property
    def is_report(self) -> bool:
        return self.code in (0, 1)


def run_in_process(*args: str, cwd: Path, stdin: bytes = b"") -> Outcome:
    """``custodes ARGS`` in this process (fast enough for property-based tests), in ``cwd``."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        sys.stdin = saved
    return Outcome(code, out.getvalue(), err.getvalue())


def assert_clear_error(outcome: Outcome, mentions: Iterable[str] = ()) -> None:
    """Exit 2 with one line on stderr, naming the problem, and nothing on stdout."""
    assert outcome.code == 2, outcome
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, f"not one line: {outcome.stderr!r}"
    assert lines[0].startswith("custodes: error: "), lines[0]
    assert "Traceback" not in outcome.stderr
    assert outcome.stdout == "", outcome.stdout[:500]
    for word in mentions:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"


def assert_report_or_clear_error(outcome: Outcome) -> None:
    """Either a JSON report or one clear line: the only two things custodes may do."""
    if outcome.is_report:
        assert outcome.stderr == "", outcome.stderr
        document = json.loads(outcome.stdout)
        assert document["summary"]["resources"] >= 0
    else:
        assert_clear_error(outcome)


def assert_json_report(outcome: Outcome) -> dict[str, Any]:
    """A report: exit 0 or 1, a JSON report on stdout, nothing on stderr."""
    assert outcome.is_report, outcome
    assert outcome.stderr == "", outcome.stderr
    document: dict[str, Any] = json.loads(outcome.stdout)
    return document


def render_all(report: Report) -> dict[str, str]:
    """The report in every format of :func:`custodes.report.renderers`, each well-formed."""
    texts = {}
    for name, render in renderers().items():
        text = render(report)
        assert isinstance(text, str), name
        text.encode("utf-8")  # writable to any UTF-8 stream
        if name in ("json", "sarif"):
            json.loads(text)
        if name == "junit":
            ElementTree.fromstring(text)
        texts[name] = text
    return texts
