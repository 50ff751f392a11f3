"""A progress bar for the slow parts of a run, on a terminal only.

Running a program offline and judging a large stack take seconds; a person
at a terminal sees a ``rich`` progress bar on standard error, cleared when the
run ends. When standard error is not a terminal (CI, a pipe, a file) nothing
extra is written at all.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class Stages:
    """The stages of one run, each with an optional number of steps."""

    def __init__(self, bar: Any = None) -> None:
        self._bar = bar
        self._task: Any = None

    def stage(self, description: str, total: int | None = None) -> None:
        """Start a stage (``total=None``: a stage without steps, shown as a pulse)."""
        if self._bar is None:
            return
        if self._task is not None:
            self._bar.stop_task(self._task)
            self._bar.update(self._task, visible=False)
        self._task = self._bar.add_task(description, total=total)

    def advance(self, *_: Any) -> None:
        """One step of the current stage done (takes and ignores callback arguments)."""
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)


@contextmanager
def progress(stream: TextIO | None = None) -> Iterator[Stages]:
    """:class:`Stages` drawn on ``stream`` (default stderr) if it is a terminal, else silent."""
    stream = stream if stream is not None else sys.stderr
    if stream is None or stream.closed or not stream.isatty():  # stderr closed: no bar
        yield Stages()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=stream, stderr=True),
        transient=True,
    )
    with bar:
        yield Stages(bar)
