"""A Pulumi project directory, run offline into a resource graph.

The program runs in a child process (:mod:`custodes.sources.program.runner`)
under the Pulumi SDK's mocks, with the stack's configuration from
``Pulumi.<stack>.yaml``. The child writes what the program declared as a stack
export, which is read like any other export. A program that raises, exits,
hangs or reads missing configuration is one clear error naming the cause.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import custodes
from custodes.errors import InputError, shown
from custodes.model import Graph
from custodes.settings_files import load_yaml, read_settings_text
from custodes.sources.documents import parse_json, state_resources

DEFAULT_TIMEOUT = 120.0
INSTALL_HINT = ("pip install 'custodes[aws]' (or custodes[azure], custodes[gcp], custodes[oci], "
                "custodes[all])")
# The extra that installs each Pulumi SDK a program may import.
_SDK_EXTRAS = {"pulumi": "aws", "pulumi_aws": "aws", "pulumi_azure_native": "azure",
               "pulumi_gcp": "gcp", "pulumi_oci": "oci", "pulumi_policy": "aws"}
OFFLINE_SECRET = "custodes-offline-secret"


def is_project(path: Path) -> bool:
    """Whether ``path`` is a Pulumi project directory."""
    return path.is_dir() and any((path / name).is_file() for name in ("Pulumi.yaml",
                                                                        "Pulumi.yml"))


def _read_yaml(path: Path) -> Any:
    return load_yaml(read_settings_text(path, "project settings"), str(path),
                     kind="a Pulumi settings file")


def _project_file(directory: Path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.yml"):
        if (directory / name).is_file():
            return directory / name
    raise InputError(f"{directory}: no Pulumi.yaml")


def _stack_file(directory: Path, stack: str | None) -> tuple[str, Path | None]:
    files = sorted(directory.glob("Pulumi.*.yaml")) + sorted(directory.glob("Pulumi.*.yml"))
    names = {path.name.split(".")[1]: path for path in files}
    if stack is not None:
        if stack not in names:
            available = ", ".join(sorted(names)) or "none"
            raise InputError(f"{directory}: no Pulumi.{stack}.yaml (stacks: {available})")
        return stack, names[stack]
    if names:
        first = sorted(names)[0]
        return first, names[first]
    return "dev", None


def _config_value(value: Any) -> tuple[str, bool]:
    """A config value as the SDK holds it (a string), and whether it is secret.

    A ``secure:`` value — the whole value, or one nested anywhere in structured
    configuration — reaches the program as :data:`OFFLINE_SECRET`, never as its
    ciphertext, and makes the whole key secret (as Pulumi does).
    """
    if _is_secure(value):
        return OFFLINE_SECRET, True
    if isinstance(value, str):
        return value, False
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    secret = [False]

    def opened(item: Any) -> Any:
        if _is_secure(item):
            secret[0] = True
            return OFFLINE_SECRET
        if isinstance(item, Mapping):
            return {str(key): opened(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [opened(inner) for inner in item]
        return item

    return json.dumps(opened(value), default=str), secret[0]


def _is_secure(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"secure"}


def stack_settings(directory: Path, stack: str | None) -> dict[str, Any]:
    """Project name, stack name, main file and configuration of a project directory."""
    project = _read_yaml(_project_file(directory))
    if not isinstance(project, Mapping) or not isinstance(project.get("name"), str):
        raise InputError(f"{directory}/Pulumi.yaml: no project 'name'")
    runtime = project.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, Mapping) else runtime
    if runtime_name != "python":
        raise InputError(f"{directory}: runtime {runtime_name!r} is not supported offline "
                         "(python only); check `pulumi preview --json` output instead")
    name = project["name"]
    main = directory / str(project.get("main") or ".")
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise InputError(f"{directory}: no program at {shown(str(project.get('main') or '.'), 200)} "
                         "('main' of Pulumi.yaml)")
    stack_name, stack_path = _stack_file(directory, stack)
    config: dict[str, str] = {}
    secret_keys: list[str] = []

    def put(key: str, raw: Any) -> None:
        full = key if ":" in key else f"{name}:{key}"
        value, secret = _config_value(raw)
        config[full] = value
        if secret:
            secret_keys.append(full)

    declared = project.get("config")
    if isinstance(declared, Mapping):
        for key, spec in declared.items():
            if isinstance(spec, Mapping) and "default" in spec:
                put(str(key), spec["default"])
            elif isinstance(spec, Mapping) and "value" in spec:
                put(str(key), spec["value"])
            elif not isinstance(spec, Mapping):
                put(str(key), spec)
    if stack_path is not None:
        document = _read_yaml(stack_path) or {}
        if not isinstance(document, Mapping):
            raise InputError(f"{stack_path}: not a stack settings file")
        stack_config = document.get("config") or {}
        if not isinstance(stack_config, Mapping):
            raise InputError(f"{stack_path}: 'config' is not a mapping")
        for key, raw in stack_config.items():
            put(str(key), raw)
    return {"project": name, "stack": stack_name, "main": str(main), "config": config,
            "secret_keys": secret_keys}


def load_program(directory: Path, stack: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> Graph:
    """Run the Pulumi program in ``directory`` offline and return its graph."""
    document = export_program(directory, stack, timeout)
    return Graph(state_resources(document, str(directory.resolve())))


def export_program(directory: Path, stack: str | None = None,
                   timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Run the Pulumi program in ``directory`` offline; what it declared, as a stack export.

    The document is a version 3 ``pulumi stack export`` with secrets already
    redacted by the child process.
    """
    directory = directory.resolve()
    settings = stack_settings(directory, stack)
    if importlib.util.find_spec("pulumi") is None:
        raise InputError(f"{directory}: running a Pulumi program needs the Pulumi SDK, which "
                         f"this install of custodes lacks: {INSTALL_HINT}")
    package_root = str(Path(custodes.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (package_root, env.get("PYTHONPATH", "")) if part
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    with tempfile.TemporaryDirectory(prefix="custodes-") as scratch:
        out_file = Path(scratch) / "export.json"
        settings_file = Path(scratch) / "settings.json"
        settings_file.write_text(json.dumps(settings), encoding="utf-8")
        command = [sys.executable, "-m", "custodes.sources.program.runner", str(directory),
                   settings["main"], str(out_file), str(settings_file)]
        # Started in the scratch directory: `-m` puts the working directory first on
        # sys.path, and a project file such as queue.py must not replace the stdlib
        # for the runner (the runner chdirs to the project before the program runs).
        process = subprocess.Popen(
            command, cwd=scratch, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        stderr = _Tail(process.stderr)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise InputError(f"{directory}: the program did not finish within {timeout:g} s "
                             "(--timeout)") from None
        finally:
            # Whatever the program started in the background ends with it.
            _kill_group(process)
        if not out_file.is_file():
            raise InputError(f"{directory}: the program runner stopped "
                             f"({_ended(process.returncode)}) before it wrote what the program "
                             f"declared{_last_line(stderr)}")
        document = parse_json(out_file.read_bytes(), str(directory))
    if not isinstance(document, dict) or "error" in document:
        reason = document.get("error") if isinstance(document, dict) else "no export"
        raise InputError(f"{directory}: the program failed: {str(reason)[:500]}"
                         f"{missing_sdk_hint(str(reason))}")
    return document


def missing_sdk_hint(reason: str) -> str:
    """What to install when a program failed importing a Pulumi SDK custodes has an extra for.

    ``reason`` is the program's error (``ModuleNotFoundError: No module named
    'pulumi_aws'``); the hint is empty for anything else.
    """
    match = re.search(r"No module named '([\w.]+)'", reason)
    if match is None:
        return ""
    module = match.group(1).split(".")[0]
    extra = _SDK_EXTRAS.get(module)
    if extra is None:
        return ""
    if module in ("pulumi", "pulumi_policy"):
        return f" (install the Pulumi SDK: {INSTALL_HINT})"
    return f" (install it with: pip install 'custodes[{extra}]', or custodes[all])"


def _ended(code: int | None) -> str:
    """How a child process ended: ``exit 1``, ``killed by SIGKILL``."""
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"exit {code}, killed by {signal.Signals(-code).name}"
    return f"exit {code}"


def _last_line(stderr: _Tail) -> str:
    """The program's last line on stderr, for CUSTODES_DEBUG=1 only: it may hold a secret
    the program printed before custodes could learn it was one (it is scrubbed all the same)."""
    if not os.environ.get("CUSTODES_DEBUG"):
        _ = stderr.text()  # let the reader finish
        return "; its own output is not shown (CUSTODES_DEBUG=1 shows its last line)"
    last = stderr.text().strip().splitlines()[-1:] or ["no output"]
    return f": {shown(last[0], 300)}"


class _Tail:
    """The last bytes a child writes to a pipe, read as it writes (memory stays bounded)."""

    LIMIT = 64 * 1024

    def __init__(self, stream: Any) -> None:
        self._data = bytearray()
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: Any) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            self._data.extend(chunk)
            del self._data[:-self.LIMIT]

    def text(self) -> str:
        """What was kept, once the writer is gone (or after a second)."""
        self._thread.join(timeout=1.0)
        return bytes(self._data).decode("utf-8", "replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """End the runner, everything below it (any session) and its process group."""
    from custodes.sources.program.processes import end_tree

    if process.poll() is None:
        # The runner's supervisor reaps orphans: every descendant is below it.
        end_tree(process.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
