"""Inputs into the resource graph: a program run offline, a preview, a stack export.

:func:`load` detects the kind of what it is given — a Pulumi project
directory, a ``pulumi preview --json`` file, a ``pulumi stack export`` file, or
``-`` for standard input — and returns its :class:`~custodes.model.Graph`;
:func:`expand` turns the paths of a command line, directories of exports
included, into inputs.
The live cloud (``custodes audit``) is a source of its own in
:mod:`custodes.sources.live`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from custodes.errors import InputError
from custodes.model import Graph
from custodes.records import record
from custodes.sources.documents import graph_from_document, parse_json
from custodes.sources.pulumi_json import needs_decoding

DEFAULT_MAX_INPUT_MB = 512


@record
class LoadOptions:
    """How to read an input: the stack of a project, time and size limits."""

    stack: str | None = None
    timeout: float = 120.0
    max_input_mb: int = DEFAULT_MAX_INPUT_MB


def read_bytes(path: str, limit_mb: int, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a file or of standard input, refused past ``limit_mb`` MiB.

    Memory is what the input holds, never the limit: a file is read at its
    size, a pipe in chunks (``--max-input-mb 100000`` allocates nothing up front).
    """
    limit = limit_mb * 1024 * 1024
    where = "<stdin>" if path == "-" else path
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_at_most(stream, limit)
    else:
        file = Path(path)
        if not file.exists():
            raise InputError(f"{path}: no such file or directory")
        try:
            size = file.stat().st_size
            if size > limit:
                raise InputError(f"{path}: {size / 2**20:.0f} MiB is larger than "
                                 f"the {limit_mb} MiB limit (--max-input-mb)")
            # Never more than the limit: a device or a pipe has no size to check first.
            with file.open("rb") as stream:
                data = _read_at_most(stream, limit, size)
        except OSError as error:
            raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    if len(data) > limit:
        raise InputError(f"{where}: larger than the {limit_mb} MiB limit (--max-input-mb)")
    return data


_CHUNK = 1 << 20


def _read_at_most(stream: BinaryIO, limit: int, size: int = 0) -> bytes:
    """At most ``limit + 1`` bytes of ``stream``: ``size`` (a file's) at once, the rest in chunks."""
    first = stream.read(min(size, limit) + 1) if size else b""
    if size and len(first) <= size:
        return first  # the whole file, as stat() said
    chunks = [first] if first else []
    total = len(first)
    while total <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _is_project(directory: Path) -> bool:
    # The program runner (subprocess, tempfile …) is imported only when a directory is given.
    from custodes.sources.program import is_project

    return is_project(directory)


def expand(paths: Iterable[str]) -> list[str]:
    """The inputs ``paths`` name, each once, in order.

    A directory without ``Pulumi.yaml`` stands for the ``*.json`` files in it
    (previews and stack exports, sorted by name, not recursive); a project
    directory, a file and ``-`` stand for themselves.
    """
    inputs: dict[str, str] = {}
    for path in paths:
        directory = Path(path)
        if path == "-" or not directory.is_dir() or _is_project(directory):
            inputs.setdefault(path if path == "-" else os.path.realpath(path), path)
            continue
        files = sorted(file for file in directory.glob("*.json") if file.is_file())
        if not files:
            raise InputError(f"{path}: a directory without Pulumi.yaml or *.json files is "
                             "neither a Pulumi project nor a directory of previews and exports")
        for file in files:
            inputs.setdefault(os.path.realpath(file), str(file))
    return list(inputs.values())


def load(path: str, options: LoadOptions | None = None, stdin: BinaryIO | None = None) -> Graph:
    """The graph of a project directory, a preview or export file, or ``-`` (stdin)."""
    options = options or LoadOptions()
    where = "<stdin>" if path == "-" else path
    if path != "-" and Path(path).is_dir():
        from custodes.sources.program import is_project, load_program

        if not is_project(Path(path)):
            raise InputError(f"{path}: a directory without Pulumi.yaml is not a Pulumi project")
        return load_program(Path(path), options.stack, options.timeout)
    data = read_bytes(path, options.max_input_mb, stdin)
    decoded = not needs_decoding(data)
    document = parse_json(data, where)
    del data
    return graph_from_document(document, where, decoded)
