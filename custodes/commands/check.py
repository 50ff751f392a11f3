"""``custodes check PATH…``: judge Pulumi projects (run offline), previews and stack exports.

Several paths (or a directory of exports) are judged in parallel, one input
per process (``--jobs``, default the number of cores), and reported together
as one: the report is the same whatever the number of jobs.
"""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from custodes.commands.output import add_output_arguments, emit, leave_for_exit, read_waivers
from custodes.errors import UsageError

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext
    from pathlib import Path

    from custodes.config import Settings
    from custodes.engine import Report
    from custodes.model import Graph
    from custodes.sources import LoadOptions
    from custodes.waivers import Waiver


EPILOG = """\
exit codes: 0 no unwaived finding at or above --fail-on; 1 at least one; 2 a usage or input error
profiles: default (unresolved findings advisory); strict (every advisory rule and unresolved finding mandatory)"""


def add_parser(commands: Any) -> None:
    """Declare ``check`` and its arguments."""
    parser = commands.add_parser(
        "check",
        help="judge Pulumi projects, previews and stack exports",
        description="Judge Pulumi project directories (run offline), `pulumi preview --json` "
                    "files, `pulumi stack export` files, directories of such files, or - for "
                    "standard input; several inputs are judged in parallel and reported as one.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="what to judge (default: the current directory)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="judge up to N inputs at once (default: the number of cores)")
    add_output_arguments(parser)
    parser.add_argument("--stack", help="the stack of a project directory (Pulumi.<stack>.yaml)")
    parser.add_argument("--project-dir", metavar="DIR",
                        help="the Pulumi project a preview or export came from: its source "
                             "positions are resolved against it (default: the current directory)")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                        help="how long a program may run offline (default 120)")
    parser.add_argument("--measurements", nargs="+", action="extend", metavar="FILE",
                        help="approved measurements for custodes-attestation-require-approved-"
                             "measurement: `nitro-cli describe-eif` output, or YAML/JSON with "
                             "nitroEnclaves, nitroTpm, confidentialSpaceImageDigests")
    parser.add_argument("--max-input-mb", type=int, default=512, metavar="MIB",
                        help="refuse JSON inputs larger than this (default 512)")
    parser.add_argument("--baseline-out", metavar="FILE",
                        help="write a waivers file with one waiver per current finding (owner "
                             "and reason TODO), and judge the run with it")
    parser.add_argument("--baseline-days", type=int, default=90, metavar="N",
                        help="the baseline's waivers expire N days from today (default 90)")
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    """Load each path, evaluate it and write the report; the exit code."""
    from pathlib import Path

    from custodes.config import build_settings, read_config_file, with_measurements
    from custodes.engine import evaluate
    from custodes.positions import relocated
    from custodes.progress import progress
    from custodes.rules.registry import catalogue
    from custodes.sources import LoadOptions, expand, load

    if arguments.timeout <= 0 or arguments.max_input_mb <= 0:
        raise UsageError("--timeout and --max-input-mb must be positive")
    if arguments.jobs is not None and arguments.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if arguments.baseline_days < 1:
        raise UsageError("--baseline-days must be at least 1")
    if arguments.paths.count("-") > 1:
        raise UsageError("standard input (-) can be read only once")
    paths = expand(arguments.paths)
    document = read_config_file(arguments.config) if arguments.config else None
    if arguments.measurements:
        document = with_measurements(document, arguments.measurements)
    settings = build_settings(arguments.profile, document, arguments.config or "configuration")
    options = LoadOptions(arguments.stack, arguments.timeout, arguments.max_input_mb)
    waivers = read_waivers(arguments)
    with collector_paused():
        if len(paths) > 1:
            report, inline = judge_all(paths, settings, options, arguments.project_dir,
                                       arguments.jobs or default_jobs())
            return _emit(report, arguments, (*waivers, *inline))
        path = paths[0]
        is_project = path != "-" and Path(path).is_dir()
        with progress() as stages:
            stages.stage(f"running {path} offline" if is_project else f"reading {path}")
            graph = load(path, options)
            stages.stage(f"judging {len(graph)} resources", total=len(catalogue()))
            report = evaluate(graph, settings, on_rule=stages.advance)
        # Sources record positions relative to the project; reports name them from the
        # repository.
        project_dir = Path(path) if is_project else Path(arguments.project_dir or ".")
        leave_for_exit(graph, report)
        report, inline = with_inline_waivers(relocated(report, project_dir), graph, project_dir)
        return _emit(report, arguments, (*waivers, *inline))


def _emit(report: Report, arguments: argparse.Namespace, waivers: tuple[Waiver, ...]) -> int:
    """Write the report (and first the baseline ``--baseline-out`` asks for); the exit code."""
    if arguments.baseline_out:
        waivers = write_baseline(report, waivers, arguments.baseline_out,
                                 arguments.baseline_days)
    return emit(report, arguments, waivers)


def write_baseline(report: Report, waivers: tuple[Waiver, ...], file: str,
                   days: int) -> tuple[Waiver, ...]:
    """Write ``file``: one waiver per finding (see :func:`custodes.waivers.baseline`).

    Returns the waivers to judge the run with from now on: the program's own
    comments and the baseline, as read back from the file written.
    """
    import sys
    from pathlib import Path

    from custodes.commands.output import write
    from custodes.positions import display_path
    from custodes.waivers import apply_waivers, baseline, parse_waivers

    text = baseline(apply_waivers(report, waivers), days)
    write(text, file)
    written = parse_waivers(text, display_path(Path(file)))
    print(f"custodes: wrote {len(written)} waiver{'' if len(written) == 1 else 's'} to "
          f"{file}; fill in each TODO owner and reason", file=sys.stderr)
    return (*(waiver for waiver in waivers if waiver.inline), *written)


def with_inline_waivers(report: Report, graph: Graph,
                        project_dir: Path) -> tuple[Report, tuple[Waiver, ...]]:
    """``report`` with a finding per unreadable waiver comment; the program's waiver comments.

    ``report``'s positions are already relative to the repository; the graph's
    are relative to ``project_dir``, where the program files are read.
    """
    from custodes.waivers import inline_waivers

    found = inline_waivers(graph, project_dir)
    if found.findings:
        report = report.with_findings((*report.findings, *found.findings))
    return report, found.waivers


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration (on again after).

    A large stack is millions of objects and next to no reference cycles: each
    full collection would walk them all again, a third of the time of a
    100,000-resource check. Reference counting still frees everything. What
    was allocated meanwhile is then frozen (``gc.freeze``): the first
    collection after, and the one at exit, would otherwise walk all of it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def default_jobs() -> int:
    """The number of cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def judge(path: str, settings: Settings, options: LoadOptions,
          project_dir: str | None = None) -> tuple[Report, tuple[Waiver, ...]]:
    """The report of one input, its source positions relative to the repository; its waiver
    comments.

    ``project_dir`` is where a preview or export came from (``--project-dir``).
    """
    from pathlib import Path

    from custodes.engine import evaluate
    from custodes.errors import CustodesError
    from custodes.positions import relocated
    from custodes.redaction import scrub
    from custodes.sources import load

    is_project = path != "-" and Path(path).is_dir()
    directory = Path(path) if is_project else Path(project_dir or ".")
    try:
        with collector_paused():
            graph = load(path, options)
            report = evaluate(graph, settings)
            return with_inline_waivers(relocated(report, directory), graph, directory)
    except CustodesError as error:
        # Scrubbed here: a --jobs worker's secrets are registered in the worker only.
        raise type(error)(scrub(str(error))) from None


def judge_all(paths: list[str], settings: Settings, options: LoadOptions,
              project_dir: str | None, jobs: int) -> tuple[Report, tuple[Waiver, ...]]:
    """The combined report of several inputs, judged by up to ``jobs`` processes.

    Each input is loaded and judged in a process of its own; the reports are
    combined in input order, so the result does not depend on ``jobs``. The
    first input (in order) that fails is the error reported. Standard input
    is read here, in this process. Returned with the waiver comments of all
    the programs.
    """
    from concurrent.futures import Future, ProcessPoolExecutor

    from custodes.progress import progress

    files = [path for path in paths if path != "-"]
    workers = min(jobs, len(files))
    reports: list[tuple[Report, tuple[Waiver, ...]]] = []
    if workers <= 1:
        with progress() as stages:
            stages.stage(f"judging {len(paths)} inputs", total=len(paths))
            for path in paths:
                reports.append(judge(path, settings, options, project_dir))
                stages.advance()
        return _combined(reports)
    # Every worker starts at the first submit, before a progress bar has a thread.
    with ProcessPoolExecutor(workers, mp_context=_pool_context()) as pool:
        futures: dict[str, Future[tuple[Report, tuple[Waiver, ...]]]] = {
            path: pool.submit(judge, path, settings, options, project_dir) for path in files
        }
        try:
            with progress() as stages:
                stages.stage(f"judging {len(paths)} inputs ({workers} jobs)", total=len(paths))
                for path in paths:
                    future = futures.get(path)
                    reports.append(future.result() if future is not None
                                   else judge(path, settings, options, project_dir))
                    stages.advance()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return _combined(reports)


def _combined(judged: list[tuple[Report, tuple[Waiver, ...]]]
              ) -> tuple[Report, tuple[Waiver, ...]]:
    from custodes.engine import combine

    waivers = dict.fromkeys(waiver for _, inline in judged for waiver in inline)
    return combine(report for report, _ in judged), tuple(waivers)


def _pool_context() -> BaseContext:
    """How workers start: forked from this process when that is safe, else a fork server.

    A fork inherits the loaded engine and starts at once; it is safe on Linux
    while this process runs no other thread. Elsewhere, a fork server with the
    engine preloaded starts workers without inheriting threads.
    """
    import multiprocessing
    import sys
    import threading

    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "custodes.engine", "custodes.positions",
                                    "custodes.sources"])
    return context
