"""The errors custodes reports to its user as one line and exit code 2."""

from __future__ import annotations

from custodes.redaction import shown

__all__ = ["CustodesError", "InputError", "UsageError", "shown"]


class CustodesError(Exception):
    """A problem the user can fix: printed as one line on stderr, exit code 2."""


class InputError(CustodesError):
    """An input (a file, a program, a configuration) custodes cannot read."""


class UsageError(CustodesError):
    """A command line custodes cannot act on."""
