"""``custodes check`` on JSON loads neither the Pulumi SDKs nor a cloud SDK (fast start-up)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("pulumi", "pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "pulumi_policy",
         "boto3", "botocore", "azure", "google", "grpc")
PROBE = """
import sys
from custodes.cli import main
code = main(sys.argv[2:])
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1].split(",")))
print("LOADED:" + ",".join(loaded), file=sys.stderr)
"""


def modules_loaded(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                            cwd=ROOT, timeout=120, check=False,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    stderr = result.stderr.decode()
    line = [line for line in stderr.splitlines() if line.startswith("LOADED:")]
    assert line, stderr
    return [name for name in line[0].removeprefix("LOADED:").split(",") if name]


@pytest.mark.parametrize("input_file", ["export-azure-cvm.json", "preview-aws-snp-new-key.json"])
@pytest.mark.parametrize("format_name", ["text", "json", "sarif", "markdown"])
def test_checking_a_json_input_imports_no_pulumi_or_cloud_sdk(input_file: str,
                                                              format_name: str) -> None:
    loaded = modules_loaded(",".join(HEAVY), "check", f"tests/fixtures/{input_file}",
                            "--format", format_name)
    assert loaded == []


def test_the_probe_sees_a_module_when_it_is_loaded() -> None:
    loaded = modules_loaded("json,custodes,pulumi", "rules")
    assert loaded == ["custodes", "json"]
