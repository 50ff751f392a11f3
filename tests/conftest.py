"""Helpers shared by the whole suite: run the CLI as a user would, build graphs by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from custodes.model import Graph, Resource
from custodes.redaction import forget_secrets

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _one_run_per_test() -> None:
    """Each test starts with no secret registered, as each ``custodes`` run does: a secret an
    earlier test's document held must not scrub words from this test's messages."""
    forget_secrets()


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
    cwd: Path | None = None, timeout: float = 300,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``custodes ARGS`` in a child process, exactly as a user or CI would."""
    return subprocess.run(
        [sys.executable, "-m", "custodes", *args],
        input=stdin, capture_output=True, timeout=timeout, cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
    )


def check_json(*args: str, stdin: bytes | None = None) -> tuple[int, dict[str, Any]]:
    """``custodes check ARGS --format json``: the exit code and the parsed report."""
    result = run_cli("check", *args, "--format", "json", stdin=stdin)
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.returncode, json.loads(result.stdout)


def mandatory(report: dict[str, Any]) -> set[tuple[str, str]]:
    """(rule id, resource name) of every unwaived mandatory finding of a JSON report."""
    return {
        (finding["rule_id"], finding["resource"]["name"])
        for finding in report["findings"]
        if finding["enforcement"] == "mandatory" and not finding["waived"]
    }


def resource(type_token: str, name: str, props: dict[str, Any] | None = None,
             outputs: dict[str, Any] | None = None, **fields: Any) -> Resource:
    """A resource as a source would produce it (URN derived from type and name)."""
    return Resource(
        urn=f"urn:pulumi:test::proj::{type_token}::{name}",
        type=type_token,
        name=name,
        props=props or {},
        outputs=outputs or {},
        **fields,
    )


def urn(type_token: str, name: str) -> str:
    """The URN :func:`resource` gives."""
    return f"urn:pulumi:test::proj::{type_token}::{name}"


def graph(*resources: Resource) -> Graph:
    """A graph of hand-made resources."""
    return Graph(resources)


def example_dirs(predicate: Any = None) -> Sequence[Path]:
    """Every example project, sorted."""
    dirs = sorted(p for p in EXAMPLES.iterdir() if (p / "Pulumi.yaml").is_file())
    return [d for d in dirs if predicate is None or predicate(d)]


@pytest.fixture
def tmp_project(tmp_path: Path):
    """Write a Pulumi project (Pulumi.yaml, __main__.py, optional stack file) into a temp dir."""

    def make(program: str, config: dict[str, Any] | None = None, name: str = "test") -> Path:
        (tmp_path / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        (tmp_path / "__main__.py").write_text(program)
        if config is not None:
            import yaml

            (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": config}))
        return tmp_path

    return make
