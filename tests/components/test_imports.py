"""Importing a component module loads no service module of its provider SDK.

A provider SDK loads a service subpackage (``pulumi_gcp.iam``, ``pulumi_azure_native.compute``)
on first use, and loading one costs up to a second: a program that uses only
``gcp.ConfidentialInstance`` must not pay for the workload-identity services that
``gcp.ConfidentialSpaceWorkload`` declares. Each import runs in a fresh interpreter, where
nothing else has loaded them yet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The service subpackages of the provider SDKs loaded in this process, after `import MODULE`.
LOADED = """\
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(
    name for name, module in list(sys.modules.items())
    if name.split(".")[0].startswith("pulumi_") and name.count(".") == 1
    and hasattr(module, "__path__") and type(module).__name__ != "_LazyModule")))
"""


def loaded_after_import(module: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        part for part in (str(ROOT), os.environ.get("PYTHONPATH", "")) if part)}
    output = subprocess.run([sys.executable, "-c", LOADED, module], capture_output=True,
                            text=True, check=True, env=env, timeout=120)
    loaded: list[str] = json.loads(output.stdout)
    return loaded


@pytest.mark.parametrize("module", ["custodes.aws", "custodes.azure", "custodes.gcp"])
def test_importing_a_component_module_loads_no_provider_service(module: str) -> None:
    assert loaded_after_import(module) == []


def test_using_a_service_loads_it() -> None:
    # What the test above relies on: the SDK loads a service module on first use, and the
    # listing sees it once loaded (a test that could not fail would prove nothing).
    code = LOADED.replace("importlib.import_module(sys.argv[1])",
                          "importlib.import_module(sys.argv[1]).kms.CryptoKey")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    output = subprocess.run([sys.executable, "-c", code, "pulumi_gcp"], capture_output=True,
                            text=True, check=True, env=env, timeout=120)
    assert json.loads(output.stdout) == ["pulumi_gcp.kms"]
