"""The processes a program leaves behind, found and ended wherever they went.

A program run offline may start processes of its own, and those may leave the
runner's process group (``subprocess.Popen(..., start_new_session=True)``,
``os.setsid()``, a double fork). The runner's supervisor (see
:func:`custodes.sources.program.runner.supervise`) is a *child subreaper*
(Linux ``prctl(PR_SET_CHILD_SUBREAPER)``, ``man 2 prctl``): every orphaned
descendant is re-parented to it instead of to init, so that the tree below it
holds every process the program started, in whatever session, and
:func:`end_tree` can end them all. The tree is read from ``/proc/<pid>/stat``
(field 4: the parent's pid; field 3: the state, ``Z`` for a zombie). Where there
is no ``/proc`` (macOS, Windows) these functions find nothing and the caller
falls back to ending the process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

_PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants; whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _parents() -> dict[int, int]:
    """pid → parent pid of every live (not zombie) process; empty without ``/proc``."""
    parents: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return parents
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            # os.read, not pathlib: a scan reads every process's stat (a quarter the cost).
            descriptor = os.open(f"/proc/{entry}/stat", os.O_RDONLY)
            try:
                stat = os.read(descriptor, 4096).decode("ascii", "replace")
            finally:
                os.close(descriptor)
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid …": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) >= 2 and fields[0] != "Z":
            parents[int(entry)] = int(fields[1])
    return parents


def descendants(pid: int) -> list[int]:
    """The live descendants of ``pid`` (children first), from ``/proc``; [] without it."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found: list[int] = []
    queue = list(children.get(pid, ()))
    while queue:
        current = queue.pop(0)
        found.append(current)
        queue.extend(children.get(current, ()))
    return found


def _reap() -> None:
    # Collect this process's exited children (re-parented orphans among them).
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def end_tree(pid: int, reap: bool = False, seconds: float = 5.0) -> None:
    """SIGKILL every descendant of ``pid`` until none is left (or ``seconds`` pass).

    A process can fork between two looks at ``/proc``; its child is then
    re-parented within the tree (to the subreaper) and found by the next look.
    ``reap``: ``pid`` is this process, which collects the exited ones.
    """
    deadline = time.monotonic() + seconds
    while True:
        alive = descendants(pid)
        if reap:
            _reap()
        if not alive or time.monotonic() > deadline:
            return
        for process in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(process, signal.SIGKILL)
        time.sleep(0.01)
