"""Report output shared by every command that produces a report (``check``, ``audit``)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from custodes.engine import Report
from custodes.errors import InputError, UsageError
from custodes.redaction import scrub

if TYPE_CHECKING:
    from custodes.waivers import Waiver

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "junit", "markdown", "html", "github")

# What a command leaves for the process's exit to drop, when the console exits without
# freeing memory (:func:`custodes.cli.console`): freeing a large stack's millions of
# objects one by one costs a tenth of a check. None: a caller in-process (tests, the
# pack) frees them as usual.
_left_for_exit: list[object] | None = None


def exit_without_freeing() -> None:
    """From now on, :func:`leave_for_exit` keeps what it is given until the process ends."""
    global _left_for_exit
    _left_for_exit = []


def leave_for_exit(*objects: object) -> None:
    """Keep ``objects`` alive until the process ends, when it will end without freeing them
    (see :func:`exit_without_freeing`); otherwise nothing."""
    if _left_for_exit is not None:
        _left_for_exit.extend(objects)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """``--format``, ``--output``, ``--config``, ``--profile``: the options of every report."""
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--output", metavar="FILE", help="write the report here, not to stdout")
    parser.add_argument("--config", metavar="FILE",
                        help="rule configuration, as for `pulumi … --policy-pack-config`")
    parser.add_argument("--profile", choices=("default", "strict"), default="default")
    parser.add_argument("--waivers", metavar="FILE",
                        help="accepted risks (default: custodes-waivers.yaml here, if present)")
    parser.add_argument("--docs-url", metavar="URL",
                        help="where docs/rules.md is served: SARIF rules get a helpUri there, "
                             "and Markdown and HTML link each rule id to its section")
    parser.add_argument("--fail-on", choices=("advisory", "mandatory"), default="mandatory",
                        help="the lowest unwaived enforcement that fails the run "
                             "(exit 1; default mandatory)")


def read_waivers(arguments: argparse.Namespace) -> tuple[Waiver, ...]:
    """The waivers ``--waivers`` names (or the default file): read them before slow work."""
    from custodes.waivers import load_waivers

    return load_waivers(arguments.waivers)


def print_error(message: str) -> None:
    """One error line on stderr, as every command prints it (``custodes: error: …``).

    Scrubbed of every registered secret; nothing at all when stderr is closed
    (the exit code still says it).
    """
    print_line(f"custodes: error: {' '.join(scrub(message).split())}")


def print_line(line: str) -> None:
    """``line`` on stderr, scrubbed; whatever stderr's encoding cannot hold is replaced."""
    stream = sys.stderr
    if stream is None:
        return
    text = scrub(line) + "\n"
    encoding = getattr(stream, "encoding", None) or "utf-8"
    with contextlib.suppress(OSError, ValueError):
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding, "replace"))
        stream.flush()


def print_warning(message: str) -> None:
    """One warning line on stderr (``custodes: warning: …``): the run's outcome stands."""
    print_line(f"custodes: warning: {' '.join(message.split())}")


def write(text: str | bytes, output: str | None) -> None:
    """Write ``text`` (or its UTF-8 bytes) to ``output``, or to stdout, as UTF-8 whatever
    stdout's encoding is.

    A closed stdout is a :class:`UsageError` (use ``--output``).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output is None:
        stream = sys.stdout
        try:
            if stream is None:
                raise OSError(errno.EBADF, "Bad file descriptor")
            binary = getattr(stream, "buffer", None)
            if binary is not None:
                # UTF-8, the encoding of every format (and of --output), even where a pipe's
                # default is another (PYTHONIOENCODING=cp1252 on Windows).
                stream.flush()
                binary.write(data)
                binary.flush()
            else:
                stream.write(data.decode("utf-8"))
                stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or "closed"
            raise UsageError(f"cannot write the report to standard output ({reason}); "
                             "use --output FILE") from None
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        raise UsageError(f"{output}: cannot write the report ({error.strerror})") from None


def text_width(on_terminal: bool) -> int | None:
    """The width to wrap the text report at: ``COLUMNS``, else the terminal's, else none.

    Piped to a file or a CI log, lines are never cut unless ``COLUMNS`` asks.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return os.get_terminal_size().columns if on_terminal else None


def emit(report: Report, arguments: argparse.Namespace,
         waivers: Sequence[Waiver] | None = None) -> int:
    """Apply the waivers, render and write ``report`` as the arguments ask; the exit code.

    ``waivers`` already read by the command (None: read them now).
    """
    from custodes.report import render_bytes
    from custodes.waivers import apply_waivers

    waivers = read_waivers(arguments) if waivers is None else waivers
    report = replace(apply_waivers(report, waivers), fail_on=arguments.fail_on,
                     docs_url=getattr(arguments, "docs_url", None))
    if arguments.format == "text":
        on_terminal = arguments.output is None and sys.stdout is not None \
            and sys.stdout.isatty()
        from custodes.report.text import render as render_text

        text: str | bytes = render_text(report, color=on_terminal,
                                        width=text_width(on_terminal))
    else:
        text = render_bytes(report, arguments.format)
    write(text, arguments.output)
    leave_for_exit(report, text)
    if arguments.format == "github":
        from custodes.report.github import append_step_summary

        # The annotations and the verdict are out: a summary that cannot be written
        # is said on stderr, and the exit code stays the verdict's (one outcome per run).
        try:
            append_step_summary(report, os.environ)
        except InputError as error:
            print_warning(f"{error}; the report is on stdout, the exit code is the verdict's")
    return EXIT_OK if report.passed else EXIT_FINDINGS
