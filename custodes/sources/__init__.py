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
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from custodes.errors import InputError
from custodes.model import Graph
from custodes.sources.documents import graph_from_document, parse_json
from custodes.sources.pulumi_json import needs_decoding

DEFAULT_MAX_INPUT_MB = 512


@dataclass(frozen=True)
class LoadOptions:
    """How to read an input: the stack of a project, time and size limits."""

    stack: str | None = None
    timeout: float = 120.0
    max_input_mb: int = DEFAULT_MAX_INPUT_MB


def read_bytes(path: str, limit_mb: int, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a file or of standard input, refused past ``limit_mb`` MiB."""
    limit = limit_mb * 1024 * 1024
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(limit + 1)
    else:
        file = Path(path)
        if not file.exists():
            raise InputError(f"{path}: no such file or directory")
        try:
            if file.stat().st_size > limit:
                raise InputError(f"{path}: {file.stat().st_size / 2**20:.0f} MiB is larger than "
                                 f"the {limit_mb} MiB limit (--max-input-mb)")
            # Never more than the limit: a device or a pipe has no size to check first.
            with file.open("rb") as stream:
                data = stream.read(limit + 1)
        except OSError as error:
            raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    if len(data) > limit:
        where = "<stdin>" if path == "-" else path
        raise InputError(f"{where}: larger than the {limit_mb} MiB limit (--max-input-mb)")
    return data


def expand(paths: Iterable[str]) -> list[str]:
    """The inputs ``paths`` name, each once, in order.

    A directory without ``Pulumi.yaml`` stands for the ``*.json`` files in it
    (previews and stack exports, sorted by name, not recursive); a project
    directory, a file and ``-`` stand for themselves.
    """
    from custodes.sources.program import is_project

    inputs: dict[str, str] = {}
    for path in paths:
        directory = Path(path)
        if path == "-" or not directory.is_dir() or is_project(directory):
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
