"""The errors custodes reports to its user as one line and exit code 2."""

from __future__ import annotations


class CustodesError(Exception):
    """A problem the user can fix: printed as one line on stderr, exit code 2."""


class InputError(CustodesError):
    """An input (a file, a program, a configuration) custodes cannot read."""


class UsageError(CustodesError):
    """A command line custodes cannot act on."""


def shown(value: object, limit: int = 40) -> str:
    """A value taken from an input, cut short enough for a one-line error message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 3]}..."
