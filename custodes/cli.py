"""The ``custodes`` command line.

``custodes check PATH…`` judges Pulumi projects (run offline), previews and
stack exports; ``custodes rules`` lists the catalogue. Exit codes: 0 when no
unwaived mandatory finding remains, 1 when one does, 2 for a usage or input
error — always one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import custodes
from custodes.commands import COMMANDS
from custodes.commands.output import EXIT_ERROR, exit_without_freeing, print_error, print_line
from custodes.errors import CustodesError, UsageError
from custodes.redaction import forget_secrets


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    """The full argument parser, every subcommand included."""
    root = _Parser(
        prog="custodes",
        description="Keep the keys and attestation of confidential workloads in the "
                    "customer's hands.",
    )
    root.add_argument("--version", action="version", version=f"custodes {custodes.__version__}")
    commands = root.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"custodes.commands.{name}").add_parser(commands)
    return root


def console() -> NoReturn:
    """The ``custodes`` executable: :func:`main`, then an exit that frees no memory.

    The process ends at once (``os._exit``) once stdout and stderr are flushed, as
    mypy's command does: what a large check built is dropped with the process
    instead of being freed object by object. Nothing is left to clean up then:
    files, worker pools and temporary directories are closed where they are used.
    """
    exit_without_freeing()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed or broken: the exit code still says it
            if stream is not None:
                stream.flush()
    os._exit(code)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line; raise :class:`CustodesError` for a usage or input error."""
    arguments = parser().parse_args(argv)
    handler = getattr(arguments, "handler", None)
    if handler is None:
        raise UsageError(f"a command is required ({', '.join(COMMANDS)}); "
                         "see `custodes --help`")
    code: int = handler(arguments)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point: exit code 0, 1 or 2, errors as one line on stderr."""
    forget_secrets()  # a run of its own, when a process runs several (tests, the pack)
    try:
        return run(argv)
    except CustodesError as error:
        print_error(str(error))
        return EXIT_ERROR
    except KeyboardInterrupt:
        print_line("custodes: interrupted")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except MemoryError:
        print_error("out of memory (a smaller --max-input-mb refuses such an input unread)")
        return EXIT_ERROR
    except Exception as error:  # a bug still gets one line, not a traceback
        if os.environ.get("CUSTODES_DEBUG"):
            raise
        print_line(f"custodes: internal error: {type(error).__name__} "
                   "(set CUSTODES_DEBUG=1 for a traceback)")
        return EXIT_ERROR
