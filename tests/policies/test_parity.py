"""The pack blocks exactly what `custodes check` blocks, on every example and fixture.

For each example project and each preview or stack export under tests/, the
(rule, URN) pairs of the pack's mandatory diagnostics — driven as `pulumi
preview` drives it: Analyze per resource, then AnalyzeStack — equal the
mandatory findings of `custodes check --format json` run as a user runs it.
Examples and fixtures are discovered, so new ones are covered as they land.
The strict profile file gives the same agreement with `--config` of that file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from custodes.crossguard.host import PackProcess
from custodes.errors import InputError
from custodes.model import Graph
from custodes.sources import load
from custodes.sources.documents import detect
from tests.conftest import ROOT, example_dirs
from tests.policies.conftest import PACK_DIR, mandatory

STRICT_FILE = PACK_DIR / "strict.json"
# Approved measurements for the corpus of the rule that finds nothing unconfigured.
MEASUREMENTS_FILE = Path(__file__).resolve().parent / "measurements.json"
MEASUREMENT_RULE = "custodes-attestation-require-approved-measurement"


def _stack_documents() -> list[Path]:
    """Every preview or stack export under tests/ (waivers, configs … are not stacks)."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.json")):
        try:
            detect(json.loads(path.read_text(encoding="utf-8")), str(path))
        except (ValueError, UnicodeDecodeError, InputError):
            continue
        found.append(path)
    return found


EXAMPLES = example_dirs()
DOCUMENTS = _stack_documents()
# What `pulumi policy analyze` reads: a stack's state (the stack exports among the fixtures).
STATES = [path for path in DOCUMENTS
          if detect(json.loads(path.read_text(encoding="utf-8")), str(path)) == "state"]
# Strict agreement on the examples and the hand-written fixtures; the rule corpus
# (tests/corpus) already varies one rule at a time.
STRICT_CASES = [*EXAMPLES, *(p for p in DOCUMENTS if "corpus" not in p.parts)]


def _case_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _check(path: Path, config: Path | None) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "custodes", "check", str(path), "--format", "json"]
    if config is not None:
        command += ["--config", str(config)]
    result = subprocess.run(command, capture_output=True, timeout=600, cwd=ROOT, text=True)
    return result.returncode, result.stdout, result.stderr


def _load(path: Path) -> Graph | InputError:
    try:
        return load(str(path))
    except InputError as error:
        return error


class Verdicts:
    """`custodes check` runs and graphs of the selected cases, computed concurrently once."""

    def __init__(self, cases: list[tuple[Path, Path | None]]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
        self._checks: dict[tuple[Path, Path | None], Future[tuple[int, str, str]]] = {}
        self._graphs: dict[Path, Future[Graph | InputError]] = {}
        for path, config in cases:
            self._start(path, config)

    def _start(self, path: Path, config: Path | None) -> None:
        if (path, config) not in self._checks:
            self._checks[path, config] = self._pool.submit(_check, path, config)
        if path not in self._graphs:
            self._graphs[path] = self._pool.submit(_load, path)

    def graph(self, path: Path) -> Graph | InputError:
        """The graph of ``path`` as the pack gets it, or why it cannot be read."""
        self._start(path, None)
        return self._graphs[path].result()

    def blocked_by_check(self, path: Path, config: Path | None) -> set[tuple[str, str]] | None:
        """(rule, URN) of check's mandatory findings; ``None`` when check refuses the input."""
        self._start(path, config)
        code, stdout, stderr = self._checks[path, config].result()
        if code == 2:
            return None
        assert code in (0, 1), stderr
        report = json.loads(stdout)
        return {(f["rule_id"], f["resource"]["urn"]) for f in report["findings"]
                if f["enforcement"] == "mandatory" and not f["waived"]}

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def verdicts(request: pytest.FixtureRequest) -> Iterator[Verdicts]:
    # Only the cases this run selected (-k, a single test id …), all started at once.
    cases: list[tuple[Path, Path | None]] = []
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.module is sys.modules[__name__] and "path" in params:
            name = getattr(item, "originalname", "")
            config = STRICT_FILE if "strict" in name else (
                MEASUREMENTS_FILE if "measurements" in name else None)
            cases.append((params["path"], config))
    if not cases:  # a test that compares nothing itself, run alone
        cases = [(path, None) for path in EXAMPLES]
    computed = Verdicts(cases)
    try:
        yield computed
    finally:
        computed.close()


def _agree(pack: PackProcess, verdicts: Verdicts, path: Path,
           config: Path | None, stack_only: bool = False) -> None:
    expected = verdicts.blocked_by_check(path, config)
    graph = verdicts.graph(path)
    if expected is None:
        # check refuses the input (exit 2): it is not a stack the engine could send.
        assert isinstance(graph, InputError), f"check refused {path}, load did not"
        return
    assert isinstance(graph, Graph), graph
    pack.configure(json.loads(config.read_text()) if config else {})
    diagnostics = pack.policy_analyze(graph) if stack_only else pack.run(graph)
    assert mandatory(diagnostics) == expected


def test_there_is_something_to_compare() -> None:
    assert len(EXAMPLES) >= 6 and DOCUMENTS, "examples/ and tests/ fixtures were not found"


@pytest.mark.parametrize("path", [*EXAMPLES, *DOCUMENTS], ids=_case_id)
def test_pack_blocks_what_check_blocks(pack: PackProcess, verdicts: Verdicts,
                                       path: Path) -> None:
    _agree(pack, verdicts, path, None)


@pytest.mark.parametrize("path", STRICT_CASES, ids=_case_id)
def test_with_the_strict_file_pack_blocks_what_check_blocks(
    pack: PackProcess, verdicts: Verdicts, path: Path,
) -> None:
    _agree(pack, verdicts, path, STRICT_FILE)


MEASUREMENT_CASES = [p for p in DOCUMENTS if MEASUREMENT_RULE in p.parts]


@pytest.mark.parametrize("path", MEASUREMENT_CASES, ids=_case_id)
def test_with_approved_measurements_pack_blocks_what_check_blocks(
    pack: PackProcess, verdicts: Verdicts, path: Path,
) -> None:
    """The approved-measurement rule, configured, blocks the same in the pack and in check."""
    _agree(pack, verdicts, path, MEASUREMENTS_FILE)
    blocked = verdicts.blocked_by_check(path, MEASUREMENTS_FILE) or set()
    assert any(rule == MEASUREMENT_RULE for rule, _ in blocked) == ("violating" in str(path))


@pytest.mark.parametrize("path", STATES, ids=_case_id)
def test_under_pulumi_policy_analyze_pack_blocks_what_check_blocks(
    pack: PackProcess, verdicts: Verdicts, path: Path,
) -> None:
    """`pulumi policy analyze` sends AnalyzeStack alone, with the state's outputs."""
    _agree(pack, verdicts, path, None, stack_only=True)


def test_there_are_states_to_analyze() -> None:
    assert len(STATES) >= 20, STATES


def test_some_cases_block_and_some_pass(verdicts: Verdicts) -> None:
    """The agreement is not vacuous: both sides block on noncompliant stacks."""
    outcomes = [verdicts.blocked_by_check(path, None) for path in EXAMPLES]
    assert any(outcomes) and any(outcome == set() for outcome in outcomes)

