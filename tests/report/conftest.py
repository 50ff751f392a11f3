"""Helpers for the report tests: reports built in-process, the example programs, a real browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from custodes.custody import analyse
from custodes.engine import Finding, Report, evaluate
from custodes.model import Graph, SourcePosition
from custodes.sources import load
from tests.conftest import EXAMPLES, ROOT

NONCOMPLIANT = EXAMPLES / "aws-snp-noncompliant"
COMPLIANT = EXAMPLES / "aws-snp"
FIXTURES = ROOT / "tests" / "fixtures"
PREVIEW = FIXTURES / "preview-aws-snp-new-key.json"
EXPORT = FIXTURES / "export-azure-cvm.json"
# Plaintext and ciphertext of secrets in the fixtures: never in any report.
SECRETS = ("Sentinel-Password-42", "ZGVmZw==", "c2VudGluZWw=", "v1:9lJt4Q==")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def declaration_line(program: Path, text: str) -> int:
    """The 1-based line of ``program`` where ``text`` first appears."""
    for number, line in enumerate(program.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {program}")


def report_of(path: Path) -> Report:
    """The engine's report on a fixture file (no waivers, default profile)."""
    return evaluate(load(str(path)))


def finding(name: str = "vm", rule_id: str = "aws-ec2-confidential-require-customer-key",
            enforcement: Any = "mandatory", severity: Any = "critical",
            message: str = "rootBlockDevice.kmsKeyId: AWS-managed key", **fields: Any) -> Finding:
    """A hand-made finding on ``aws:ec2/instance:Instance::<name>``."""
    return Finding(
        rule_id=rule_id, title="A title", severity=severity, enforcement=enforcement,
        urn=f"urn:pulumi:dev::proj::aws:ec2/instance:Instance::{name}",
        type="aws:ec2/instance:Instance", name=name, message=message,
        remediation="Use a customer key.",
        source_position=fields.pop("source_position", SourcePosition("infra/main.py", 7)),
        **fields,
    )


def hand_report(findings: Sequence[Finding], **fields: Any) -> Report:
    """A report holding ``findings`` and no workloads."""
    return Report(tuple(sorted(findings, key=lambda f: f.sort_key)), len(findings), "default",
                  analyse(Graph([])), **fields)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CUSTODES_CHROMIUM") or shutil.which("chromium")
    assert executable, "Chromium is needed: apt-get install -y chromium (see .ci/run)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@dataclass
class RecordedPage:
    """A browser page and what it logged: console messages, uncaught errors, requests."""

    page: Any
    console: list[Any] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser: Any) -> Iterator[RecordedPage]:
    """A fresh page (its own profile) that records console messages, errors and requests."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    recorded = RecordedPage(context.new_page())
    recorded.page.on("console", lambda message: recorded.console.append(message))
    recorded.page.on("pageerror", lambda error: recorded.errors.append(error))
    recorded.page.on("request", lambda request: recorded.requests.append(request.url))
    yield recorded
    context.close()
