"""Under-reporting is a bug: every rule's known-violating stacks must produce its finding.

For every rule of the catalogue, ``tests/corpus/<rule-id>/`` holds at least three
violating and one compliant Pulumi program (see :mod:`tests.corpus.generate`).
Each is judged from every source a user has: the program run offline, its
``pulumi stack export`` and a first ``pulumi preview --json``, where the
outputs of resources being created are unknown. A violating case must get a
*mandatory* finding of its rule on the named resource (in the strict profile
for a rule that is advisory by default), and not an "unresolved" one; a
compliant case must get no finding of its rule at all.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from custodes.config import build_settings
from custodes.engine import Report, evaluate
from custodes.model import Graph
from custodes.rules import Rule, catalogue
from custodes.sources import load
from custodes.sources.documents import state_resources
from tests.conftest import run_cli
from tests.corpus.generate import (
    EXPORT_FILE,
    PREVIEW_FILE,
    Case,
    cases,
    dumps,
    preview_of,
)

CASES = cases()
RULES = catalogue()
SOURCES = {"export": EXPORT_FILE, "preview": PREVIEW_FILE}
CASE_RULES = sorted({case.rule_id for case in CASES})


def profile_for(rule: Rule) -> str:
    """The profile in which the rule's findings are mandatory."""
    return "default" if rule.enforcement == "mandatory" else "strict"


def _document(case: Case) -> dict[str, Any] | None:
    return {case.rule_id: dict(case.config)} if case.config else None


def judge(case: Case, graph: Graph) -> Report:
    if case.expect == "unresolved":
        return evaluate(graph, build_settings("strict", _document(case)))
    return evaluate(graph, build_settings(profile_for(RULES[case.rule_id]), _document(case)))


def assert_verdict(case: Case, report: Report, source: str) -> None:
    mine = [f for f in report.findings if f.rule_id == case.rule_id]
    shown = [(f.name, f.enforcement, f.message) for f in mine]
    if case.verdict == "violating":
        hits = [f for f in mine if f.name == case.resource and f.enforcement == "mandatory"
                and f.unresolved == (case.expect == "unresolved")]
        assert hits, (f"{case.id} ({source}): no mandatory {case.rule_id} finding on "
                      f"{case.resource!r} — {case.why}; findings of the rule: {shown}")
    else:
        assert not mine, f"{case.id} ({source}): compliant, but {case.rule_id} reported {shown}"


def test_every_rule_has_a_corpus() -> None:
    counts = Counter((case.rule_id, case.verdict) for case in CASES)
    missing = [
        f"{rule_id}: {counts[rule_id, 'violating']} violating, "
        f"{counts[rule_id, 'compliant']} compliant"
        for rule_id, rule in RULES.items()
        # Audit rules judge what only the live cloud produces (tests/audit covers them).
        if not (rule.types and all(token.startswith("custodes:audit:") for token in rule.types))
        and (counts[rule_id, "violating"] < 3 or counts[rule_id, "compliant"] < 1)
    ]
    assert not missing, ("every rule needs at least 3 violating and 1 compliant program in "
                         f"tests/corpus/<rule-id>/: {missing}")
    strays = sorted({case.rule_id for case in CASES} - set(RULES))
    assert not strays, f"corpus directories for rules that do not exist: {strays}"


def test_every_violating_case_names_its_resource() -> None:
    unnamed = [case.id for case in CASES if case.verdict == "violating" and not case.resource]
    assert not unnamed, f"violating cases without `resource:` in case.yaml: {unnamed}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_program(case: Case, corpus_exports: dict[str, Any]) -> None:
    """The program, run offline, gets its verdict."""
    export = corpus_exports[case.id]
    if isinstance(export, Exception):
        pytest.fail(f"{case.id}: the program did not run offline: {export}")
    graph = Graph(state_resources(export, str(case.directory)))
    assert_verdict(case, judge(case, graph), "program")


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fixture(case: Case, source: str) -> None:
    """The stack export and the preview of the program get the same verdict."""
    graph = load(str(case.directory / SOURCES[source]))
    assert_verdict(case, judge(case, graph), source)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fixtures_match_the_program(case: Case, corpus_exports: dict[str, Any]) -> None:
    """The checked-in export and preview are what the program declares today."""
    export = corpus_exports[case.id]
    if isinstance(export, Exception):
        pytest.fail(f"{case.id}: the program did not run offline: {export}")
    hint = f"regenerate with `python tests/corpus/generate.py {case.id}`"
    committed_export = (case.directory / EXPORT_FILE).read_text(encoding="utf-8")
    assert committed_export == dumps(export), f"{case.id}/{EXPORT_FILE} is stale: {hint}"
    committed_preview = (case.directory / PREVIEW_FILE).read_text(encoding="utf-8")
    assert committed_preview == dumps(preview_of(export)), \
        f"{case.id}/{PREVIEW_FILE} is stale: {hint}"


def test_previews_leave_created_outputs_unknown() -> None:
    """The previews are realistic: a reference to a resource being created is unknown there."""
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    with_unknown = [
        case.id for case in CASES
        if unknown in json.dumps(
            [step["newState"]["inputs"] for step in
             json.loads((case.directory / PREVIEW_FILE).read_text())["steps"]])
    ]
    # Most cases reference a key, set, disk or role they create; those must be unknown.
    assert len(with_unknown) >= len(CASES) // 3, with_unknown


def _first_violating(rule_id: str) -> Case:
    return next(c for c in CASES if c.rule_id == rule_id and c.verdict == "violating")


@pytest.fixture(scope="module")
def cli_reports() -> dict[str, tuple[int, str, str]]:
    """``custodes check <preview> --format json`` of each rule's first violating case."""

    def one(rule_id: str) -> tuple[int, str, str]:
        case = _first_violating(rule_id)
        profile = "strict" if case.expect == "unresolved" else profile_for(RULES[rule_id])
        extra: list[str] = []
        if case.config:
            config = Path(tempfile.mkdtemp()) / "config.json"
            config.write_text(json.dumps(_document(case)), encoding="utf-8")
            extra = ["--config", str(config)]
        result = run_cli("check", str(case.directory / PREVIEW_FILE),
                         "--format", "json", "--profile", profile, *extra)
        return result.returncode, result.stdout.decode(), result.stderr.decode()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(CASE_RULES, pool.map(one, CASE_RULES), strict=True))


@pytest.mark.parametrize("rule_id", CASE_RULES)
def test_cli_end_to_end(rule_id: str, cli_reports: dict[str, tuple[int, str, str]]) -> None:
    """The `custodes` command, run as a user would on a preview, fails the stack with the finding."""
    code, stdout, stderr = cli_reports[rule_id]
    case = _first_violating(rule_id)
    assert code == 1, f"{case.id}: exit {code}: {stderr}"
    report = json.loads(stdout)
    assert any(
        f["rule_id"] == rule_id and f["resource"]["name"] == case.resource
        and f["enforcement"] == "mandatory" and f["unresolved"] == (case.expect == "unresolved")
        for f in report["findings"]
    ), f"{case.id}: {report['findings']}"

