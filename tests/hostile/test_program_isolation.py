"""The offline program runner runs any valid project and leaves nothing running.

Two kinds of hostile project: one whose files are named like standard-library
modules (``logging.py``, ``queue.py`` … — the runner, the SDK and gRPC must still
get the standard library, while the program's own imports of its siblings keep
working), and one whose program starts processes that leave its session
(``start_new_session=True``, ``setsid``, a double-forked daemon) and then ends
in any way — every one of them is gone when the check returns.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.sources.program import load_program
from tests.conftest import run_cli
from tests.hostile.harness import Outcome, assert_clear_error

PROGRAM = """
import pulumi_aws as aws
from helpers import INSTANCE_TYPE
from pkg.names import NAME

aws.ec2.Instance(
    NAME,
    ami="ami-0123456789abcdef0",
    instance_type=INSTANCE_TYPE,
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True},
)
"""


def _project(directory: Path, shadows: list[str]) -> Path:
    """A project importing two siblings, beside files named like stdlib modules."""
    (directory / "Pulumi.yaml").write_text("name: shadows\nruntime: python\n")
    (directory / "__main__.py").write_text(PROGRAM)
    (directory / "helpers.py").write_text('INSTANCE_TYPE = "c6a.large"\n')
    (directory / "pkg").mkdir()
    (directory / "pkg" / "__init__.py").write_text("")
    (directory / "pkg" / "names.py").write_text('NAME = "worker"\n')
    for name in shadows:
        # Imported by anyone, the file says so: the run fails naming it.
        (directory / f"{name}.py").write_text(
            f"raise ImportError('the project file {name}.py replaced the stdlib')\n")
    return directory


def _shadowable() -> list[str]:
    """Standard-library modules a project file could shadow (not built into the interpreter)."""
    return sorted(name for name in sys.stdlib_module_names
                  if name not in sys.builtin_module_names and not name.startswith("_")
                  and name not in ("__future__", "antigravity", "this"))


def test_a_project_with_logging_queue_and_platform_is_judged() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = _project(Path(scratch), ["logging", "queue", "platform"])
        result = run_cli("check", str(project), "--format", "json", timeout=120)
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(result.stdout)
    flagged = {f["resource"]["name"] for f in report["findings"]
               if f["enforcement"] == "mandatory"}
    assert flagged == {"worker"}  # the siblings were imported: name and type came from them


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_shadowable()), min_size=1, max_size=12, unique=True))
def test_no_project_file_replaces_a_standard_library_module(shadows: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        graph = load_program(_project(Path(scratch), shadows), timeout=120)
    instance = next(r for r in graph if r.type == "aws:ec2/instance:Instance")
    assert (instance.name, instance.props["instanceType"]) == ("worker", "c6a.large")


# --- Processes the program leaves behind -------------------------------------

SPAWN = """
import os, subprocess, sys, time

def record(pid):
    with open({pids!r}, "a") as out:
        out.write(f"{{pid}}\\n")

# A child in a session of its own.
record(subprocess.Popen(["sleep", "300"], start_new_session=True).pid)
# A shell in a new session whose background job outlives it.
shell = subprocess.Popen(["sh", "-c", "sleep 300 & echo $! >> {pids}; exec sleep 300"],
                         start_new_session=True)
record(shell.pid)
# A daemon: fork, setsid, fork again; the middle process exits at once.
middle = os.fork()
if middle == 0:
    os.setsid()
    daemon = os.fork()
    if daemon == 0:
        os.execvp("sleep", ["sleep", "300"])
    record(daemon)
    os._exit(0)
os.waitpid(middle, 0)
while len(open({pids!r}).read().split()) < 4:
    time.sleep(0.05)
"""

ENDINGS = {
    # ending: (program tail, extra arguments, expected exit code, words of the error)
    "returns": ("""
import pulumi_aws as aws
aws.ec2.Instance("worker", ami="ami-0123456789abcdef0", instance_type="c6a.large",
                 cpu_options={"amd_sev_snp": "enabled"}, root_block_device={"encrypted": True})
""", (), 1, ()),
    "raises": ("raise RuntimeError('gave up')\n", (), 2, ("RuntimeError: gave up",)),
    "os-exit": ("os._exit(0)\n", (), 2, ("the program runner stopped",)),
    "killed": ("import signal\nos.kill(os.getpid(), signal.SIGKILL)\n", (), 2,
               ("the program runner stopped",)),
    "hangs": ("time.sleep(300)\n", ("--timeout", "10"), 2, ("did not finish",)),
}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) is not running.
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" not in status.read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir() or shutil.which("sleep") is None,
                    reason="needs /proc and sleep(1) to see the processes")
@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_no_process_the_program_started_outlives_the_check(tmp_path: Path,
                                                          ending: str) -> None:
    tail, arguments, code, mentions = ENDINGS[ending]
    pids_file = tmp_path / "pids"
    pids_file.write_text("")
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: spawner\nruntime: python\n")
    (project / "__main__.py").write_text(SPAWN.format(pids=str(pids_file)) + tail)
    result = run_cli("check", str(project), "--format", "json", *arguments, timeout=120)
    outcome = Outcome(result.returncode, result.stdout.decode(), result.stderr.decode())
    if code == 2:
        assert_clear_error(outcome, mentions)
    else:
        assert outcome.code == code, outcome.stderr
    pids = [int(pid) for pid in pids_file.read_text().split()]
    assert len(pids) == 4, pids
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    left: Any = [pid for pid in pids if _alive(pid)]
    assert not left, f"still running after the check: {left}"
