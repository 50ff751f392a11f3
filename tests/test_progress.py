"""The progress bar: drawn on a terminal, absent everywhere else."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT, run_cli

NONCOMPLIANT = EXAMPLES / "aws-snp-noncompliant"


def test_without_a_terminal_nothing_extra_is_written() -> None:
    result = run_cli("check", str(NONCOMPLIANT), "--format", "json")
    assert result.returncode == 1
    assert result.stderr == b""
    json.loads(result.stdout)  # stdout is the report and nothing else


def test_a_terminal_on_stderr_shows_a_progress_bar_and_the_report_is_unchanged(
        tmp_path: Path) -> None:
    master, replica = pty.openpty()
    fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    out = tmp_path / "report.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "custodes", "check", str(NONCOMPLIANT), "--format", "json",
         "--output", str(out)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=replica, cwd=ROOT,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"},
    )
    os.close(replica)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert process.wait(timeout=120) == 1
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert f"running {NONCOMPLIANT} offline" in screen
    assert "judging 2 resources" in screen
    assert "━" in screen, "a bar is drawn"
    assert "\x1b[" in screen, "drawn with terminal control codes"
    piped = run_cli("check", str(NONCOMPLIANT), "--format", "json")
    assert out.read_bytes() == piped.stdout, "the report does not depend on the terminal"
