"""Programs written by other people, run offline: whatever they do, one clear line or a report.

Each test runs the ``custodes`` command as a user would, on a project whose
program misbehaves in one way, and checks that the single line on stderr
names the cause — and that nothing the program prints reaches the report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import run_cli
from tests.hostile.harness import Outcome, assert_clear_error

VIOLATING = """
import pulumi_aws as aws

aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True},
)
"""


@pytest.fixture
def project(tmp_path: Path) -> Any:
    """Write a project: ``Pulumi.yaml``, ``__main__.py`` and an optional stack file."""

    def make(program: str, config: dict[str, Any] | None = None, runtime: str = "python",
             name: str = "hostile") -> Path:
        (tmp_path / "Pulumi.yaml").write_text(f"name: {name}\nruntime: {runtime}\n")
        (tmp_path / "__main__.py").write_text(program)
        if config is not None:
            (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": config}))
        return tmp_path

    return make


def check(path: Path, *args: str) -> Outcome:
    result = run_cli("check", str(path), "--format", "json", *args, timeout=120)
    return Outcome(result.returncode, result.stdout.decode(), result.stderr.decode())


def test_a_program_that_raises(project: Any) -> None:
    outcome = check(project("import pulumi\n\nraise ValueError('no region given')\n"))
    assert_clear_error(outcome, ["the program failed", "ValueError: no region given",
                                 "__main__.py:3"])


@pytest.mark.parametrize(("code", "shown"), [("3", "sys.exit(3)"), ("0", "sys.exit(0)"),
                                             ("'bye'", "sys.exit('bye')")])
def test_a_program_that_calls_sys_exit(project: Any, code: str, shown: str) -> None:
    outcome = check(project(f"import sys\n\nsys.exit({code})\n"))
    assert_clear_error(outcome, ["the program called", shown])


def test_a_program_that_hangs_is_stopped_at_the_timeout(project: Any) -> None:
    started = time.monotonic()
    outcome = check(project("import time\n\nwhile True:\n    time.sleep(1)\n"), "--timeout", "3")
    assert_clear_error(outcome, ["did not finish within 3 s", "--timeout"])
    assert time.monotonic() - started < 30


def test_a_program_that_reads_missing_configuration(project: Any) -> None:
    program = "import pulumi\n\nregion = pulumi.Config().require('clusterId')\n"
    outcome = check(project(program, config={"hostile:other": "x"}))
    assert_clear_error(outcome, ["ConfigMissingError", "hostile:clusterId"])


@pytest.mark.parametrize(("program", "cause"), [
    ("import no_such_module_anywhere\n", "ModuleNotFoundError: No module named"),
    ("def broken(:\n    pass\n", "SyntaxError"),
    ("def down():\n    return down()\n\ndown()\n", "RecursionError"),
    ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    ("import pulumi_aws as aws\n\naws.ec2.Instance('x', instance_type=object())\n",
     "the program failed"),
], ids=["import", "syntax", "recursion", "interrupt", "bad-input-type"])
def test_a_program_that_cannot_run(project: Any, program: str, cause: str) -> None:
    assert_clear_error(check(project(program)), [cause])


@pytest.mark.parametrize("program", ["import os\n\nos._exit(0)\n",
                                     "import os, signal\n\nos.kill(os.getpid(), signal.SIGKILL)\n"],
                         ids=["os-exit", "killed"])
def test_a_program_that_ends_the_process(project: Any, program: str) -> None:
    assert_clear_error(check(project(program)), ["the program runner stopped", "exit"])


def test_an_unsupported_runtime(project: Any) -> None:
    assert_clear_error(check(project("", runtime="nodejs")),
                       ["runtime 'nodejs' is not supported offline", "pulumi preview --json"])


def test_a_directory_that_is_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(VIOLATING)
    assert_clear_error(check(tmp_path), ["without Pulumi.yaml"])


def test_a_broken_project_file(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: [unclosed\nruntime: python\n")
    assert_clear_error(check(tmp_path), ["Pulumi.yaml", "not valid YAML", "line"])


def test_a_stack_that_does_not_exist(project: Any) -> None:
    path = project(VIOLATING, config={"aws:region": "us-east-1"})
    assert_clear_error(check(path, "--stack", "prod"), ["no Pulumi.prod.yaml", "stacks: dev"])


PRINTS = """
import os
import subprocess
import sys

print('{"version": 1, "findings": []}')
sys.stdout.write("PASS: 0 mandatory\\n")
os.write(1, b"written to file descriptor 1\\n")
subprocess.run(["echo", "from a child process"], check=True)
print("to stderr", file=sys.stderr)
"""


def test_what_a_program_prints_never_reaches_the_report(project: Any) -> None:
    """The report on stdout is exactly the report of the same program without the prints."""
    quiet = check(project(VIOLATING))
    noisy = check(project(VIOLATING + PRINTS))
    assert quiet.code == noisy.code == 1, noisy.stderr
    assert noisy.stdout == quiet.stdout
    assert noisy.stderr == ""
    report = json.loads(noisy.stdout)
    assert [f["rule_id"] for f in report["findings"]
            if f["enforcement"] == "mandatory"] == ["aws-ec2-confidential-require-customer-key"]


def test_a_program_that_prints_without_end_keeps_memory_bounded(project: Any) -> None:
    """200 MB of output is drained as it comes and dropped, not collected in custodes."""
    program = VIOLATING + "import sys\n\nfor _ in range(200):\n    sys.stdout.write('x' * 1_000_000)\n"
    path = project(program)
    # VmHWM: this process's own peak (ru_maxrss would include the test process's).
    measure = ("import sys\n"
               "from custodes.cli import main\n"
               f"code = main(['check', {str(path)!r}, '--format', 'json'])\n"
               "status = open('/proc/self/status').read().splitlines()\n"
               "peak = int(next(l.split()[1] for l in status if l.startswith('VmHWM:'))) // 1024\n"
               "print(f'peak {peak}', file=sys.stderr)\n"
               "sys.exit(code)\n")
    result = subprocess.run([sys.executable, "-c", measure], capture_output=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["summary"]["mandatory"] == 1
    peak_mib = int(result.stderr.decode().split("peak ")[1])
    assert peak_mib < 150, f"custodes itself peaked at {peak_mib} MiB"


def test_a_program_that_prints_and_then_fails_is_still_one_line(project: Any) -> None:
    program = "import sys\n\nfor i in range(1000):\n    print('line', i, file=sys.stderr)\n" \
              "raise RuntimeError('after the noise')\n"
    assert_clear_error(check(project(program)), ["RuntimeError: after the noise"])


def test_a_background_process_does_not_outlive_the_check(project: Any, tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    program = ("import subprocess\n\n"
               "child = subprocess.Popen(['sleep', '300'])\n"
               f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n" + VIOLATING)
    outcome = check(project(program))
    assert outcome.code == 1, outcome.stderr
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    assert not _alive(pid), "the program's background process is still running"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) is not running.
    status = Path(f"/proc/{pid}/status")
    return not (status.is_file() and "\nState:\tZ" in status.read_text())


def test_a_secret_the_program_quotes_in_its_error_is_scrubbed(project: Any) -> None:
    program = ("import pulumi\nimport pulumi_aws as aws\n\n"
               "material = 'S3NT1NEL-key-material-0001'\n"
               "aws.kms.ExternalKey('imported', key_material_base64=material)\n"
               "raise ValueError(f'could not import {material}')\n")
    outcome = check(project(program))
    assert_clear_error(outcome, ["ValueError: could not import [secret]"])
    assert "S3NT1NEL" not in outcome.stderr
