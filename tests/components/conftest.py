"""Run component programs in-process under the Pulumi SDK's mocks and record what they declare.

The mocks are the engine's own (:class:`custodes.sources.program.mocks.OfflineMocks`),
so a component sees the same ARNs, ids and URIs here as under ``custodes check``.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc

from custodes.config import Settings
from custodes.engine import Report, evaluate
from custodes.sources.program import load_program
from custodes.sources.program.mocks import OfflineMocks

PCR0 = "a1" * 48
PCR8 = "b2" * 48
ZEROS = "0" * 96


@dataclass
class Registered:
    """One resource a program registered, with its inputs as the provider receives them."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]

    def get(self, path: str) -> Any:
        """The input at a dotted path (``rootBlockDevice.kmsKeyId``), ``None`` when absent."""
        value: Any = self.inputs
        for step in path.split("."):
            if not isinstance(value, Mapping):
                return None
            value = value.get(step)
        return value


@dataclass
class Recorded:
    """Every resource a program registered, and the values of the outputs it returned."""

    resources: list[Registered]
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_token: str) -> list[Registered]:
        return [resource for resource in self.resources if resource.type == type_token]

    def one(self, type_token: str) -> Registered:
        found = self.of_type(type_token)
        assert len(found) == 1, f"expected one {type_token}, got {[r.name for r in found]}"
        return found[0]

    def by_urn(self, urn: str) -> Registered:
        return next(resource for resource in self.resources if resource.urn == urn)

    def children(self, parent: Registered) -> list[Registered]:
        return [resource for resource in self.resources if resource.parent == parent.urn]

    def descendants(self, parent: Registered) -> Iterator[Registered]:
        for child in self.children(parent):
            yield child
            yield from self.descendants(child)


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.records: list[Registered] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.records.append(Registered(
            urn=response.urn,
            type=request.type,
            name=request.name,
            parent=request.parent or None,
            custom=bool(request.custom),
            inputs=rpc.deserialize_properties(request.object),
        ))
        return response


def run_program(program: Callable[[], Mapping[str, Any] | None]) -> Recorded:
    """Run ``program`` under mocks; it may return a mapping of outputs to resolve."""
    mocks = OfflineMocks()
    monitor = _RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="test", stack="test", preview=False,
                             monitor=monitor)
    resolved: dict[str, Any] = {}

    @pulumi.runtime.test
    def body() -> Any:
        outputs = program() or {}
        return pulumi.Output.all(**outputs).apply(resolved.update)

    body()
    return Recorded(monitor.records, resolved)


def policy_statements(key: Registered) -> list[dict[str, Any]]:
    """The statements of an ``aws.kms.Key``'s policy input."""
    document = json.loads(key.inputs["policy"])
    statements: list[dict[str, Any]] = document["Statement"]
    return statements


@pytest.fixture
def run() -> Callable[[Callable[[], Mapping[str, Any] | None]], Recorded]:
    return run_program


def check_project(directory: Path, program: str, config: Mapping[str, str]) -> Report:
    """Write ``program`` as a Pulumi project and run ``custodes check``'s pipeline on it."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: component-check\nruntime: python\n")
    lines = "".join(f"  {key}: {value}\n" for key, value in config.items())
    (directory / "Pulumi.dev.yaml").write_text(f"config:\n{lines}")
    (directory / "__main__.py").write_text(textwrap.dedent(program))
    return evaluate(load_program(directory), Settings())


def mandatory(report: Report) -> list[tuple[str, str]]:
    """(rule id, resource name) of every mandatory finding."""
    return [(f.rule_id, f.name) for f in report.findings if f.enforcement == "mandatory"]
