"""``custodes check PATH…``: judge Pulumi projects (run offline), previews and stack exports."""

from __future__ import annotations

import argparse
from typing import Any

from custodes.commands.output import add_output_arguments, emit, read_waivers
from custodes.errors import UsageError


def add_parser(commands: Any) -> None:
    """Declare ``check`` and its arguments."""
    parser = commands.add_parser(
        "check",
        help="judge Pulumi projects, previews and stack exports",
        description="Judge a Pulumi project directory (run offline), a `pulumi preview --json` "
                    "file, a `pulumi stack export` file, or - for standard input.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    add_output_arguments(parser)
    parser.add_argument("--stack", help="the stack of a project directory (Pulumi.<stack>.yaml)")
    parser.add_argument("--project-dir", metavar="DIR",
                        help="the Pulumi project a preview or export came from: its source "
                             "positions are resolved against it (default: the current directory)")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                        help="how long a program may run offline (default 120)")
    parser.add_argument("--max-input-mb", type=int, default=512, metavar="MIB",
                        help="refuse JSON inputs larger than this (default 512)")
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    """Load each path, evaluate it and write the report; the exit code."""
    from pathlib import Path

    from custodes.config import build_settings, read_config_file
    from custodes.engine import evaluate
    from custodes.positions import relocated
    from custodes.progress import progress
    from custodes.rules.registry import catalogue
    from custodes.sources import LoadOptions, load

    if arguments.timeout <= 0 or arguments.max_input_mb <= 0:
        raise UsageError("--timeout and --max-input-mb must be positive")
    if arguments.paths.count("-") > 1:
        raise UsageError("standard input (-) can be read only once")
    if len(arguments.paths) != 1:
        raise UsageError("one PATH at a time")
    document = read_config_file(arguments.config) if arguments.config else None
    settings = build_settings(arguments.profile, document, arguments.config or "configuration")
    options = LoadOptions(arguments.stack, arguments.timeout, arguments.max_input_mb)
    waivers = read_waivers(arguments)
    path = arguments.paths[0]
    is_project = path != "-" and Path(path).is_dir()
    with progress() as stages:
        stages.stage(f"running {path} offline" if is_project else f"reading {path}")
        graph = load(path, options)
        stages.stage(f"judging {len(graph)} resources", total=len(catalogue()))
        report = evaluate(graph, settings, on_rule=stages.advance)
    # Sources record positions relative to the project; reports name them from the repository.
    project_dir = Path(path) if is_project else Path(arguments.project_dir or ".")
    return emit(relocated(report, project_dir), arguments, waivers)
