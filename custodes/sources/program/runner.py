"""Run a Pulumi Python program offline and write what it declared as a stack export.

Started by :func:`custodes.sources.program.load_program` in a child process
(``python -m custodes.sources.program.runner PROJECT_DIR MAIN OUT_FILE SETTINGS_FILE``)
so that a program that exits, hangs, prints or crashes cannot touch the
report. The program runs under the Pulumi SDK's mocks: no CLI, no
credentials, no network. Every registration is recorded as the engine sees
it — parent, provider, dependencies, property dependencies and source
position — and secrets are redacted before anything leaves this process.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.abc
import importlib.machinery
import json
import os
import runpy
import signal
import sys
import sysconfig
import traceback
from pathlib import Path
from typing import Any

EXIT_PROGRAM_FAILED = 3

# The cyclic collector's first-generation threshold while the program runs (Python's
# default: 700); see :func:`tune_collector`.
COLLECTOR_THRESHOLD = 10_000

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def _redact(value: Any) -> Any:
    """Drop secret plaintext: a secret leaves this process as an opaque marker.

    Its value is registered (:mod:`custodes.redaction`): an error message that
    quotes it is scrubbed before it leaves this process.
    """
    from custodes.redaction import register_secret
    from custodes.sources.pulumi_json import SECRET_INPUTS

    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            register_secret(value.get("value"))
            return {SIG_KEY: SECRET_SIG, "ciphertext": "redacted-by-custodes"}
        for name in SECRET_INPUTS.intersection(value):
            register_secret(value[name])
        return {key: _redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return value


def _integral(value: Any) -> Any:
    # protobuf Structs carry every number as a double.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral(item) for item in value]
    return value


def canonical_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records in dependency order, ties broken by URN.

    The SDK registers resources as their inputs resolve, in an order that varies
    from run to run; a stack export lists every resource after its parent,
    provider and dependencies. Ordering by that relation and then by URN gives
    the same export for the same program, every time.
    """
    import heapq

    by_urn = {record["urn"]: record for record in records}
    waiting_on: dict[str, set[str]] = {}
    dependants: dict[str, list[str]] = {urn: [] for urn in by_urn}
    for urn, record in by_urn.items():
        needs = {record.get("parent"), *(record.get("dependencies") or ()),
                 *(u for urns in (record.get("propertyDependencies") or {}).values()
                   for u in urns)}
        provider = record.get("provider")
        if isinstance(provider, str):
            needs.add(provider.rsplit("::", 1)[0])
        waiting_on[urn] = {need for need in needs if need in by_urn and need != urn}
        for need in waiting_on[urn]:
            dependants[need].append(urn)
    ready = [urn for urn, needs in waiting_on.items() if not needs]
    heapq.heapify(ready)
    ordered: list[dict[str, Any]] = []
    while ready:
        urn = heapq.heappop(ready)
        ordered.append(by_urn[urn])
        for dependant in dependants[urn]:
            waiting_on[dependant].discard(urn)
            if not waiting_on[dependant]:
                heapq.heappush(ready, dependant)
    # A cycle cannot come from a program, but must not lose resources either.
    placed = {record["urn"] for record in ordered}
    ordered.extend(by_urn[urn] for urn in sorted(by_urn) if urn not in placed)
    return ordered


def _position(request: Any, project_dir: Path, parent: dict[str, Any] | None) -> Any:
    """The declaration's place in the user's program, not in custodes, an SDK or a library.

    The SDK's source position is the caller of the resource's constructor; when
    that is library code (a custodes component, a helper package), the
    innermost frame of its stack trace inside the project is the user's line.
    """
    from urllib.parse import unquote, urlparse

    positions = [request.sourcePosition] if request.HasField("sourcePosition") else []
    if request.HasField("stackTrace"):
        positions += [frame.pc for frame in request.stackTrace.frames if frame.HasField("pc")]
    for position in positions:
        if not position.uri:
            continue
        path = Path(unquote(urlparse(position.uri).path))
        try:
            relative = path.resolve().relative_to(project_dir)
        except ValueError:
            continue
        if not {".venv", "venv", "site-packages"} & set(relative.parts):
            return f"project:///{relative.as_posix()}#{position.line}"
    # A child declared inside a component: point at where the component was declared.
    return parent.get("sourcePosition") if parent else None


def _watch_secrets(pulumi: Any, settings: dict[str, Any]) -> None:
    """Register every secret the program can obtain, before it can quote one in an error.

    The configuration's secret values (what ``config.require_secret`` returns,
    nested values of structured configuration included) and every value the
    program makes secret with ``pulumi.Output.secret`` — resolved, whether it
    is registered with a resource or only quoted in an exception raised inside
    an ``apply``.
    """
    from custodes.redaction import register_secret

    for key in settings.get("secret_keys", ()):
        value = settings["config"].get(key)
        register_secret(value)
        with contextlib.suppress(TypeError, ValueError):  # structured: each value in it
            register_secret(json.loads(value))
    made_secret = pulumi.Output.secret

    def secret(value: Any) -> Any:
        register_secret(value)
        output = made_secret(value)
        return output.apply(_registered)

    pulumi.Output.secret = staticmethod(secret)


def _registered(value: Any) -> Any:
    from custodes.redaction import register_secret

    register_secret(value)
    return value


def run(project_dir: Path, main: Path, out_file: Path, settings: dict[str, Any]) -> int:
    """Run the program and write the export; return the process exit code."""
    import pulumi
    from google.protobuf import json_format
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from custodes.sources.program.mocks import OfflineMocks

    records: list[dict[str, Any]] = []
    by_urn: dict[str, dict[str, Any]] = {}

    class RecordingMonitor(pulumi_mocks.MockMonitor):
        def make_urn(self, parent: str, type_: str, name: str) -> str:
            # As the Pulumi engine does, leave the root stack out of children's URNs.
            if parent.split("::")[2:3] == ["pulumi:pulumi:Stack"]:
                parent = ""
            urn: str = super().make_urn(parent, type_, name)
            return urn

        def RegisterResource(self, request: Any) -> Any:
            response = super().RegisterResource(request)
            parent = by_urn.get(request.parent)
            record = {
                "urn": response.urn,
                "custom": bool(request.custom),
                "type": request.type,
                "id": response.id or None,
                "inputs": _redact(_integral(json_format.MessageToDict(request.object))),
                "outputs": _redact(_integral(json_format.MessageToDict(response.object))),
                "parent": request.parent or None,
                "provider": request.provider or None,
                # The SDK gathers dependencies as sets: sort them so that the same
                # program gives the same export, run after run.
                "dependencies": sorted(request.dependencies),
                "propertyDependencies": {
                    name: sorted(deps.urns)
                    for name, deps in sorted(request.propertyDependencies.items())
                },
                "sourcePosition": _position(request, project_dir, parent),
            }
            records.append(record)
            by_urn[response.urn] = record
            return response

        def ReadResource(self, request: Any) -> Any:
            response = super().ReadResource(request)
            record = {
                "urn": response.urn,
                "custom": True,
                "external": True,
                "type": request.type,
                "id": request.id or None,
                "inputs": {},
                "outputs": _redact(_integral(json_format.MessageToDict(response.properties))),
                "parent": request.parent or None,
                "provider": request.provider or None,
            }
            records.append(record)
            by_urn[response.urn] = record
            return response

    _watch_secrets(pulumi, settings)
    mocks = OfflineMocks()
    project, stack = settings["project"], settings["stack"]
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False,
                             monitor=RecordingMonitor(mocks))
    pulumi.runtime.set_all_config(settings["config"], settings["secret_keys"])

    os.chdir(project_dir)
    # The program imports its sibling modules as under `pulumi up`; a sibling named
    # like a standard-library module (logging.py, queue.py) does not replace it.
    sys.path.insert(0, str(project_dir))
    install_standard_library_first()
    sys.argv = [str(main)]

    def program() -> None:
        runpy.run_path(str(main), run_name="__main__")

    # set_mocks registered the root stack already; run the program under it.
    _sync_await(run_pulumi_func(program))
    document = {
        "version": 3,
        "deployment": {
            "manifest": {"magic": "custodes-offline", "version": "offline"},
            "resources": canonical_order(records),
        },
    }
    out_file.write_text(json.dumps(document), encoding="utf-8")
    return 0


def _is_standard_library(entry: str) -> bool:
    version = f"python{sys.version_info.major}{sys.version_info.minor}.zip"
    if Path(entry).name == version:
        return True
    real = os.path.realpath(entry)
    if {"site-packages", "dist-packages"} & set(Path(real).parts):
        return False
    roots = {os.path.realpath(sysconfig.get_path(name)) for name in ("stdlib", "platstdlib")}
    return any(real == root or real.startswith(root + os.sep) for root in roots)


class StandardLibraryFirst(importlib.abc.MetaPathFinder):
    """Finds a top-level standard-library module in the standard library only.

    The program's directory is first on ``sys.path`` (its own modules import as
    they do under the Pulumi CLI), so a project file ``queue.py`` would otherwise
    replace the standard ``queue`` for the SDK, gRPC and the program alike. Names
    are those of :data:`sys.stdlib_module_names`; a name the standard library
    does not have here falls through to the ordinary search.
    """

    def __init__(self, path: list[str]) -> None:
        self._path = [entry for entry in path if _is_standard_library(entry)]

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        """The standard library's spec of ``fullname``, or None (not a standard module)."""
        if path is not None or fullname not in sys.stdlib_module_names:
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, self._path)


def install_standard_library_first() -> None:
    """Put :class:`StandardLibraryFirst` before the ordinary path search (once)."""
    if any(isinstance(finder, StandardLibraryFirst) for finder in sys.meta_path):
        return
    finder = StandardLibraryFirst(sys.path)
    index = next((i for i, item in enumerate(sys.meta_path)
                  if item is importlib.machinery.PathFinder), len(sys.meta_path))
    sys.meta_path.insert(index, finder)


def tune_collector() -> None:
    """Collect reference cycles every :data:`COLLECTOR_THRESHOLD` allocations, not every 700.

    Loading a provider SDK's module (``pulumi_gcp.compute``: every resource,
    input and output type of a cloud service) allocates hundreds of thousands
    of objects that live as long as the process, and next to no garbage: at
    Python's default threshold the collector runs about 400 times while one
    loads, three of them full passes over everything, a sixth of the load
    time. The collector still runs (a program that makes cyclic garbage in a
    loop keeps bounded memory), a fourteenth as often.
    """
    _, second, third = gc.get_threshold()
    gc.set_threshold(COLLECTOR_THRESHOLD, second, third)


def _describe(error: BaseException) -> str:
    """One line naming the exception and where in the user's program it was raised."""
    name = type(error).__name__
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    where = ""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if "site-packages" not in frame.filename and "/custodes/" not in frame.filename:
            where = f" ({Path(frame.filename).name}:{frame.lineno})"
            break
    return f"{name}: {message}{where}" if message else f"{name}{where}"


def main(argv: list[str]) -> int:
    project_dir, main_file, out_file = Path(argv[0]).resolve(), Path(argv[1]), Path(argv[2])
    settings = json.loads(Path(argv[3]).read_text(encoding="utf-8"))
    tune_collector()
    # Whatever the program prints goes to stderr: stdout is never the report's.
    sys.stdout = sys.stderr
    try:
        return run(project_dir, main_file.resolve(), out_file, settings)
    except SystemExit as error:
        from custodes.errors import shown

        reason = f"the program called sys.exit({shown(error.code)})"
    except BaseException as error:  # any failure of the user's program is reported
        reason = _describe(error)
        cause = error
        # The SDK re-raises a resource's failure wrapped; name the original.
        while cause.__cause__ is not None and type(cause).__name__ in ("RPCError", "Exception"):
            cause = cause.__cause__
        if cause is not error:
            reason = _describe(cause)
    from custodes.redaction import scrub

    out_file.write_text(json.dumps({"error": scrub(reason)[:500]}), encoding="utf-8")
    return EXIT_PROGRAM_FAILED


def supervise(argv: list[str]) -> int:
    """Run :func:`main` in a child process and end every process it leaves behind.

    This process becomes the subreaper of what the program starts
    (:mod:`custodes.sources.program.processes`): a process in a new session, a
    daemon that double-forked, the program's own process after ``os._exit`` —
    all are ended before this one exits with the program's exit code (128 +
    the signal's number when a signal ended it). Without ``fork`` or ``/proc``
    the program runs in this process and the caller ends the process group.
    """
    from custodes.sources.program.processes import become_subreaper, end_tree

    if not hasattr(os, "fork") or not become_subreaper():
        return main(argv)
    child = os.fork()
    if child == 0:
        code = main(argv)
        sys.stderr.flush()
        # Skip interpreter teardown: the SDK's gRPC threads can keep a finished run alive.
        os._exit(code)
    # The caller's SIGTERM/SIGINT end the whole tree, not this process alone.
    def terminated(*_: object) -> None:
        end_tree(os.getpid(), reap=True)
        os._exit(128 + signal.SIGTERM)

    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:  # pragma: no cover - PEP 475 retries
            continue
    end_tree(os.getpid(), reap=True)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) \
        else 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    code = supervise(sys.argv[1:])
    sys.stderr.flush()
    os._exit(code)
