"""A 200 MB stack export: judged within bounded memory, or refused with a size message.

Reading JSON costs memory in proportion to the input (the parsed document and
the resource graph, about five times the file). Custodes bounds that by
bounding the input: files and standard input are read up to
``--max-input-mb`` (default 512) and refused past it, before anything is
parsed. These tests run the command in a child process and read its peak
resident memory.
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

TARGET_BYTES = 200 * 2**20
# The peak of this process's own memory (VmHWM): ru_maxrss would also count the memory
# of the test process that started it, which Linux carries over an exec.
MEASURE = """
import sys
from custodes.cli import main
code = main(sys.argv[1:])
status = open("/proc/self/status").read()
peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
sys.stderr.write(f"\\npeak-kib {peak}\\n")
sys.exit(code)
"""


def _resources() -> Any:
    """An endless stack: mostly ordinary resources, one confidential instance in a hundred."""
    index = 0
    while True:
        if index % 100 == 0:
            yield {"urn": f"urn:pulumi:prod::big::aws:ec2/instance:Instance::vm{index}",
                   "type": "aws:ec2/instance:Instance", "id": f"i-{index:017x}", "custom": True,
                   "inputs": {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
                              "rootBlockDevice": {"encrypted": True}},
                   "outputs": {"arn": f"arn:aws:ec2:us-east-1:123456789012:instance/i-{index}"}}
        else:
            bucket = f"bucket-{index}"
            policy = json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*"}]})
            yield {"urn": f"urn:pulumi:prod::big::aws:s3/bucket:Bucket::{bucket}",
                   "type": "aws:s3/bucket:Bucket", "id": bucket, "custom": True,
                   "inputs": {"bucket": bucket, "tags": {"team": "t" * 40, "env": "prod"},
                              "policy": policy},
                   "outputs": {"arn": f"arn:aws:s3:::{bucket}", "bucket": bucket,
                               "region": "us-east-1", "tags": {"team": "t" * 40}},
                   "parent": "urn:pulumi:prod::big::pulumi:pulumi:Stack::big-prod",
                   "dependencies": [], "propertyDependencies": {"bucket": [], "policy": []}}
        index += 1


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A 200 MB ``pulumi stack export`` file, and how many confidential instances it holds."""
    path = tmp_path_factory.mktemp("large") / "export.json"
    written, instances = 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"version": 3, "deployment": {"manifest": {}, "resources": [')
        for index, state in enumerate(_resources()):
            text = ("," if index else "") + json.dumps(state)
            out.write(text)
            written += len(text)
            instances += state["type"] == "aws:ec2/instance:Instance"
            if written >= TARGET_BYTES:
                break
        out.write("]}}")
    return path, instances


def measured(*args: str, stdin: Any = subprocess.DEVNULL) -> tuple[int, str, str, int]:
    """Exit code, stdout, stderr (without the measurement) and peak RSS in MiB of ``custodes``."""
    result = subprocess.run([sys.executable, "-c", MEASURE, *args], stdin=stdin,
                            capture_output=True, timeout=600)
    stderr, _, peak = result.stderr.decode().rpartition("\npeak-kib ")
    return result.returncode, result.stdout.decode(), stderr.strip(), int(peak) // 1024


def test_a_200_mb_export_is_judged_within_bounded_memory(big_export: tuple[Path, int],
                                                         tmp_path: Path) -> None:
    path, instances = big_export
    size_mib = path.stat().st_size // 2**20
    report_file = tmp_path / "report.json"
    started = time.monotonic()
    code, stdout, stderr, peak = measured("check", str(path), "--format", "json",
                                          "--output", str(report_file))
    elapsed = time.monotonic() - started
    assert code == 1 and stderr == "" and stdout == "", stderr
    report = json.loads(report_file.read_text())
    # Under-reporting is a bug at any size: every confidential instance is judged.
    assert report["summary"]["mandatory"] == instances
    assert peak < 8 * size_mib, f"peak {peak} MiB for a {size_mib} MiB export ({elapsed:.0f} s)"


def test_past_the_limit_a_file_is_refused_before_it_is_read(big_export: tuple[Path, int]) -> None:
    path, _ = big_export
    code, stdout, stderr, peak = measured("check", str(path), "--max-input-mb", "150")
    assert code == 2 and stdout == ""
    assert stderr.splitlines() == [
        f"custodes: error: {path}: {path.stat().st_size / 2**20:.0f} MiB is larger than the "
        "150 MiB limit (--max-input-mb)"]
    assert peak < 150, f"{peak} MiB to refuse a file by its size"


def test_past_the_limit_standard_input_is_read_no_further(big_export: tuple[Path, int]) -> None:
    path, _ = big_export
    with path.open("rb") as stream:
        code, stdout, stderr, peak = measured("check", "-", "--max-input-mb", "20", stdin=stream)
    assert code == 2 and stdout == ""
    assert stderr == "custodes: error: <stdin>: larger than the 20 MiB limit (--max-input-mb)"
    assert peak < 150, f"{peak} MiB to refuse 20 MiB of standard input"


def test_a_device_without_end_is_read_no_further_than_the_limit() -> None:
    if not os.path.exists("/dev/zero"):
        pytest.fail("this test needs /dev/zero")
    code, stdout, stderr, peak = measured("check", "/dev/zero", "--max-input-mb", "10")
    assert code == 2 and stdout == ""
    assert stderr == "custodes: error: /dev/zero: larger than the 10 MiB limit (--max-input-mb)"
    assert peak < 150
