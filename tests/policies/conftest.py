"""The pack in policies/, started and driven as the Pulumi engine drives it.

The pack runs in a child process started as the CLI's Python analyzer host
starts it (``python -u -m pulumi.policy <engine> policies``, which runs
``policies/__main__.py``), never in-process: the tests see what the Pulumi CLI
sees.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from custodes.crossguard.host import ENFORCEMENT_NAMES, PackProcess
from tests.conftest import ROOT

PACK_DIR = ROOT / "policies"


@pytest.fixture(scope="module")
def pack() -> Iterator[PackProcess]:
    """One pack process per test module, stopped (or killed) at the end."""
    process = PackProcess(PACK_DIR, timeout=60)
    try:
        yield process
    finally:
        process.close()


@pytest.fixture
def configured(pack: PackProcess) -> Iterator[Any]:
    """Configure the pack for one test; it is back to its defaults afterwards."""

    def configure(config: Mapping[str, Any]) -> PackProcess:
        pack.configure(config)
        return pack

    pack.configure({})
    try:
        yield configure
    finally:
        pack.configure({})


def verdicts(diagnostics: Any) -> set[tuple[str, str, str]]:
    """(enforcement, policy, URN) of each diagnostic."""
    return {(ENFORCEMENT_NAMES[d.enforcementLevel], d.policyName, d.urn) for d in diagnostics}


def mandatory(diagnostics: Any) -> set[tuple[str, str]]:
    """(policy, URN) of each mandatory diagnostic: what blocks a deployment."""
    return {(policy, urn) for level, policy, urn in verdicts(diagnostics) if level == "mandatory"}

