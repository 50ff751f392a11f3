"""Where a finding points: source positions as paths relative to the repository root.

Sources record where a resource was declared relative to its Pulumi project
directory (Pulumi's ``project:///__main__.py#12``), or as an absolute path.
Reports name that file relative to the root of the git repository holding it
— the form GitHub code scanning (SARIF), workflow annotations and a reviewer
at the repository root all resolve — so ``custodes check examples/foo`` points
at ``examples/foo/__main__.py``. Outside a git repository the path is relative
to the current directory; a file outside both stays absolute.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from custodes.engine import Report
from custodes.model import SourcePosition


def repository_root(directory: Path) -> Path | None:
    """The nearest directory at or above ``directory`` with a ``.git`` entry."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def display_path(file: Path, cwd: Path | None = None) -> str:
    """``file`` (absolute, or relative to ``cwd``) as every report names it."""
    here = Path(os.path.abspath(cwd or Path.cwd()))
    absolute = Path(os.path.normpath(here / file))
    for base in (repository_root(absolute.parent), here):
        if base is not None and absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix()
    return absolute.as_posix()


def relocate(position: SourcePosition | None, project_dir: Path,
             cwd: Path | None = None) -> SourcePosition | None:
    """A position recorded relative to ``project_dir``, relative to the repository root."""
    if position is None or "://" in position.file:
        return position
    return replace(position, file=display_path(Path(project_dir) / position.file, cwd))


def relocated(report: Report, project_dir: Path, cwd: Path | None = None) -> Report:
    """``report`` with every finding's source position relative to the repository root."""
    # Thousands of findings share a few files: find each file's repository once.
    moved: dict[SourcePosition | None, SourcePosition | None] = {}

    def relocated_position(position: SourcePosition | None) -> SourcePosition | None:
        if position not in moved:
            moved[position] = relocate(position, project_dir, cwd)
        return moved[position]

    findings = tuple(
        finding if (position := relocated_position(finding.source_position))
        == finding.source_position else replace(finding, source_position=position)
        for finding in report.findings
    )
    # The order of findings does not depend on their positions: no sort again.
    return replace(report, findings=findings)
