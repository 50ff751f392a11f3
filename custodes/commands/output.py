"""Report output shared by every command that produces a report (``check``, ``audit``)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from custodes.engine import Report
from custodes.errors import UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json")


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """``--format``, ``--output``, ``--config``, ``--profile``: the options of every report."""
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--output", metavar="FILE", help="write the report here, not to stdout")
    parser.add_argument("--config", metavar="FILE",
                        help="rule configuration, as for `pulumi … --policy-pack-config`")
    parser.add_argument("--profile", choices=("default", "strict"), default="default")


def write(text: str, output: str | None) -> None:
    """Write ``text`` to ``output``, or to stdout."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{output}: cannot write the report ({error.strerror})") from None


def emit(report: Report, arguments: argparse.Namespace) -> int:
    """Render and write ``report`` as the arguments ask; the exit code it earns."""
    from custodes.report import render
    from custodes.report.text import render as render_text

    if arguments.format == "text" and arguments.output is None and sys.stdout.isatty():
        text = render_text(report, color=True, width=os.get_terminal_size().columns)
    else:
        text = render(report, arguments.format)
    write(text, arguments.output)
    return EXIT_OK if report.passed else EXIT_FINDINGS
