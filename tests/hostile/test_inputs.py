"""Hostile and broken documents, one test each: a report, or one clear line and exit 2.

Custodes reads files produced by other tools in CI. Whatever arrives — empty,
binary, nested beyond reason, enormous numbers, a future format version,
duplicate or dangling references, cycles, a string where an object belongs —
the user gets a report or a single line naming the problem, never a traceback
and never a silent "clean".
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from custodes.config import build_settings
from custodes.engine import evaluate
from custodes.model import Graph, Resource
from custodes.model.audit import AUDIT_TYPES
from custodes.rules import catalogue
from custodes.sources.documents import graph_from_document, state_resources
from custodes.sources.pulumi_json import SECRET_SIG, SIG_KEY, UNKNOWN_VALUE
from tests.corpus.generate import cases
from tests.hostile.harness import (
    Outcome,
    assert_clear_error,
    assert_json_report,
    render_all,
    run_in_process,
)

INSTANCE = "aws:ec2/instance:Instance"


def urn(name: str, type_token: str = INSTANCE) -> str:
    return f"urn:pulumi:dev::hostile::{type_token}::{name}"


def snp_instance(name: str = "payments", **state: Any) -> dict[str, Any]:
    """A SEV-SNP instance with an AWS-managed root key: always a mandatory finding."""
    return {"urn": urn(name), "type": INSTANCE, "custom": True,
            "inputs": {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
                       "rootBlockDevice": {"encrypted": True}},
            **state}


def export(*resources: dict[str, Any], version: Any = 3) -> dict[str, Any]:
    return {"version": version, "deployment": {"manifest": {}, "resources": list(resources)}}


@pytest.fixture
def check(tmp_path: Path) -> Any:
    """``custodes check FILE --format json`` on the given bytes or document."""

    def run(content: bytes | dict[str, Any] | list[Any], *args: str) -> Outcome:
        data = content if isinstance(content, bytes) else json.dumps(content).encode()
        path = tmp_path / "input.json"
        path.write_bytes(data)
        return run_in_process("check", str(path), "--format", "json", *args, cwd=tmp_path)

    return run


def blocking(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["resource"]["name"]) for f in report["findings"]
            if f["enforcement"] == "mandatory" and not f["waived"]}


CUSTOMER_KEY_RULE = "aws-ec2-confidential-require-customer-key"


# --- not a document at all ------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\n"], ids=["empty", "whitespace"])
def test_an_empty_file(check: Any, content: bytes) -> None:
    assert_clear_error(check(content), ["input.json", "empty"])


def test_binary_data(check: Any) -> None:
    assert_clear_error(check(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
                       ["input.json"])


def test_invalid_utf8(check: Any) -> None:
    data = b'{"version": 3, "deployment": {"resources": [], "x": "\xff\xfe"}}'
    assert_clear_error(check(data), ["not UTF-8", "byte"])


def test_utf16_json(check: Any) -> None:
    data = json.dumps(export()).encode("utf-16")
    assert_clear_error(check(data), ["not UTF-8"])


def test_a_utf8_byte_order_mark_is_fine(check: Any) -> None:
    assert_json_report(check(b"\xef\xbb\xbf" + json.dumps(export()).encode()))


@pytest.mark.parametrize("content", [b"{", b'{"version": 3,', b"[1, 2", b"nul", b'{"a": 1}}'])
def test_truncated_or_malformed_json(check: Any, content: bytes) -> None:
    assert_clear_error(check(content), ["not valid JSON"])


@pytest.mark.parametrize("document", [[], [1, 2], "text", 42, None, {"resources": []}],
                         ids=["list", "numbers", "string", "number", "null", "no-kind"])
def test_json_that_is_neither_a_preview_nor_an_export(check: Any, document: Any) -> None:
    assert_clear_error(check(json.dumps(document).encode()),
                       ["not a Pulumi preview", "stack export"])


# --- extremes ---------------------------------------------------------------------


def test_json_nested_100000_levels(check: Any) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    data = ('{"version": 3, "deployment": {"resources": [], "x": ' + nested + "}}").encode()
    assert_clear_error(check(data), ["nested too deeply"])


def test_a_property_nested_700_levels_is_still_judged(check: Any) -> None:
    """Deeper than the decoder's recursion allows, shallower than JSON's: a report."""
    deep = '{"next": [' * 350 + '"bottom"' + "]}" * 350  # 700 levels
    state = snp_instance(inputs={**snp_instance()["inputs"], "userData": "DEEP"})
    report = assert_json_report(check(json.dumps(export(state)).replace('"DEEP"', deep).encode()))
    assert (CUSTOMER_KEY_RULE, "payments") in blocking(report)


@pytest.mark.parametrize("number", ["9" * 10_000, "-" + "9" * 5_000, "1e400", "-1e400",
                                    "1e-400", "123456789012345678901234567890.5e10"])
def test_numbers_of_extreme_size(check: Any, number: str) -> None:
    data = json.dumps(export(snp_instance(inputs={**snp_instance()["inputs"],
                                                  "volumeSize": "NUMBER"})))
    report = assert_json_report(check(data.replace('"NUMBER"', number).encode()))
    assert (CUSTOMER_KEY_RULE, "payments") in blocking(report)


def test_a_number_where_the_rule_expects_text(check: Any) -> None:
    state = snp_instance()
    state["inputs"]["instanceType"] = 10 ** 40
    state["inputs"]["cpuOptions"]["amdSevSnp"] = 1.5e308
    assert_json_report(check(export(state)))


def test_strings_of_extreme_size(check: Any) -> None:
    """A 30 MB property value and a 100 KB resource name: read, judged, reported."""
    state = snp_instance("n" * 100_000)
    state["inputs"]["userData"] = "u" * 30_000_000
    report = assert_json_report(check(export(state)))
    assert (CUSTOMER_KEY_RULE, "n" * 100_000) in blocking(report)


def test_half_a_surrogate_pair(check: Any, tmp_path: Path) -> None:
    """JSON may escape a lone surrogate; it is not text, and must not reach a report as such."""
    data = json.dumps(export(snp_instance("pay\ud800ments"))).encode()
    assert b"\\ud800" in data
    report = assert_json_report(check(data))
    assert (CUSTOMER_KEY_RULE, "pay\ufffd\ufffd\ufffdments") in blocking(report)
    path = tmp_path / "input.json"
    text = run_in_process("check", str(path), cwd=tmp_path)
    assert text.code == 1 and "pay" in text.stdout


def test_markup_and_control_characters_in_names_are_shown_not_obeyed(check: Any,
                                                                      tmp_path: Path) -> None:
    name = "pay[/]ments[bold]\x1b[2J\x1b[31m\x07"
    assert_json_report(check(export(snp_instance(name))))
    path = tmp_path / "input.json"
    for fmt in ("text", "github", "markdown"):
        outcome = run_in_process("check", str(path), "--format", fmt, cwd=tmp_path)
        assert outcome.code == 1, outcome.stderr
        assert "pay[/]ments[bold]" in outcome.stdout
        if fmt != "markdown":
            # Terminals and the Actions log interpret these: none may come from the input.
            assert "\x1b" not in outcome.stdout and "\x07" not in outcome.stdout


# --- versions, duplicates, references ---------------------------------------------------


@pytest.mark.parametrize("version", [1, 2, 5, 99, "3", None, 3.5, [3], {"v": 3}, "x" * 10_000])
def test_a_wrong_or_future_export_version(check: Any, version: Any) -> None:
    outcome = check(export(snp_instance(), version=version))
    assert_clear_error(outcome, ["stack export version", "not supported", "supported: 3, 4"])
    assert len(outcome.stderr) < 300


def test_duplicate_urns(check: Any) -> None:
    assert_clear_error(check(export(snp_instance(), snp_instance())),
                       ["duplicate resource URN", "payments"])


def test_a_replaced_resource_awaiting_deletion_shares_its_urn(check: Any) -> None:
    """After a failed replacement the old copy stays in the export, marked ``delete``."""
    old = snp_instance(delete=True)
    old["inputs"]["rootBlockDevice"]["kmsKeyId"] = "arn:aws:kms:us-east-1:1:key/old"
    report = assert_json_report(check(export(old, snp_instance())))
    assert (CUSTOMER_KEY_RULE, "payments") in blocking(report)
    assert report["summary"]["resources"] == 1


def test_a_preview_with_several_steps_for_one_urn(check: Any) -> None:
    state = snp_instance()
    steps = [{"op": "create-replacement", "urn": state["urn"], "newState": state},
             {"op": "replace", "urn": state["urn"], "newState": state},
             {"op": "delete-replaced", "urn": state["urn"], "oldState": state}]
    report = assert_json_report(check({"steps": steps}))
    assert (CUSTOMER_KEY_RULE, "payments") in blocking(report)


@pytest.mark.parametrize("edge", ["parent", "provider", "dependencies", "propertyDependencies"])
def test_dangling_references(check: Any, edge: str) -> None:
    missing = urn("gone", "aws:kms/key:Key")
    value: Any = {"parent": missing, "provider": f"{missing}::04da6b54",
                  "dependencies": [missing],
                  "propertyDependencies": {"rootBlockDevice": [missing]}}[edge]
    report = assert_json_report(check(export(snp_instance(**{edge: value}))))
    assert (CUSTOMER_KEY_RULE, "payments") in blocking(report)


def test_a_dangling_dependency_behind_an_unknown_key_is_unresolved_not_clean(check: Any) -> None:
    state = snp_instance(propertyDependencies={"rootBlockDevice": [urn("gone", "aws:kms/key:Key")]})
    state["inputs"]["rootBlockDevice"]["kmsKeyId"] = UNKNOWN_VALUE
    report = assert_json_report(check(export(state), "--profile", "strict"))
    findings = [f for f in report["findings"] if f["rule_id"] == CUSTOMER_KEY_RULE]
    assert findings and all(f["unresolved"] and f["enforcement"] == "mandatory"
                            for f in findings)


@pytest.mark.parametrize("shape", ["self", "pair", "ring"])
def test_parent_cycles(check: Any, shape: str) -> None:
    names = {"self": ["payments"], "pair": ["payments", "b"], "ring": ["payments", "b", "c"]}
    ring = names[shape]
    states = [snp_instance(name, parent=urn(ring[(index + 1) % len(ring)]))
              for index, name in enumerate(ring)]
    report = assert_json_report(check(export(*states)))
    assert {(CUSTOMER_KEY_RULE, name) for name in ring} <= blocking(report)


def test_ancestors_stop_at_a_cycle() -> None:
    a = Resource(urn=urn("a"), type=INSTANCE, name="a", parent=urn("b"))
    b = Resource(urn=urn("b"), type=INSTANCE, name="b", parent=urn("a"))
    graph = Graph([a, b])
    assert [r.name for r in graph.ancestors(a)] == ["b"]


@pytest.mark.parametrize("mangle", [
    lambda d: d["deployment"].__setitem__("resources", {"a": 1}),
    lambda d: d["deployment"]["resources"].append("not an object"),
    lambda d: d["deployment"]["resources"][0].pop("urn"),
    lambda d: d["deployment"]["resources"][0].__setitem__("urn", 42),
    lambda d: d["deployment"]["resources"][0].__setitem__("inputs", ["a", "list"]),
    lambda d: d["deployment"]["resources"][0].__setitem__("outputs", "text"),
    lambda d: d["deployment"]["resources"][0].__setitem__("dependencies", "x"),
    lambda d: d["deployment"]["resources"][0].__setitem__("propertyDependencies", [1]),
    lambda d: d.__setitem__("deployment", []),
    lambda d: d.__setitem__("deployment", None),
    lambda d: (d.pop("deployment"), d.__setitem__("checkpoint", ["latest"])),
], ids=["resources-object", "resource-string", "no-urn", "urn-number", "inputs-list",
        "outputs-text", "dependencies-text", "property-dependencies-list",
        "deployment-list", "deployment-null", "checkpoint-list"])
def test_an_export_whose_structure_is_wrong(check: Any, mangle: Any) -> None:
    document = export(snp_instance())
    mangle(document)
    assert_clear_error(check(document), ["input.json"])


@pytest.mark.parametrize("steps", [{"a": 1}, ["step"], [{"op": "create", "newState": "x"}],
                                   [{"op": "create", "newState": {"urn": 3}}]],
                         ids=["steps-object", "step-string", "state-string", "urn-number"])
def test_a_preview_whose_structure_is_wrong(check: Any, steps: Any) -> None:
    assert_clear_error(check({"steps": steps}), ["input.json"])


# --- a value of the wrong kind at every path a rule reads -------------------------------


def _recorded_reads(monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """Every (type, path) a rule or custody analysis reads with Resource.get/values over the
    whole corpus."""
    reads: set[tuple[str, str]] = set()
    original_get, original_values = Resource.get, Resource.values

    def get(self: Resource, path: str, default: Any = None) -> Any:
        reads.add((self.type, path))
        return original_get(self, path, default)

    def values(self: Resource, path: str) -> Iterator[tuple[str, Any]]:
        reads.add((self.type, path))
        return original_values(self, path)

    monkeypatch.setattr(Resource, "get", get)
    monkeypatch.setattr(Resource, "values", values)
    for case in cases():
        document = json.loads((case.directory / "export.json").read_text())
        evaluate(graph_from_document(document, case.id), build_settings("strict"))
    monkeypatch.undo()
    return reads


WRONG_KINDS: list[Any] = [
    "a string", 0, 1.5, True, None, [], [{"a": None}], {}, UNKNOWN_VALUE,
    {SIG_KEY: SECRET_SIG, "ciphertext": "AAAB"},
]


def _input_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every dotted path of a state's inputs, lists written ``[]``."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from _input_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            yield from _input_paths(item, f"{prefix}[]")


def _states_by_type() -> dict[str, list[tuple[dict[str, Any], int]]]:
    """Each type's corpus states: (export document, index of the state), first cases first."""
    found: dict[str, list[tuple[dict[str, Any], int]]] = {}
    for case in cases():
        document = json.loads((case.directory / "export.json").read_text())
        for index, state in enumerate(document["deployment"]["resources"]):
            found.setdefault(state["type"], []).append((document, index))
    return found


def _set(inputs: dict[str, Any], steps: list[str], value: Any) -> None:
    """Put ``value`` at a dotted path, through lists (every element) and missing objects."""
    head, rest = steps[0], steps[1:]
    is_list = head.endswith("[]")
    name = head.removesuffix("[]")
    if not rest:
        inputs[name] = [value] if is_list else value
        return
    child = inputs.get(name)
    if is_list:
        items = child if isinstance(child, list) and child else [{}]
        inputs[name] = [item if isinstance(item, dict) else {} for item in items]
        for item in inputs[name]:
            _set(item, rest, value)
        return
    inputs[name] = child if isinstance(child, dict) else {}
    _set(inputs[name], rest, value)


def test_a_value_of_the_wrong_kind_at_every_path_a_rule_reads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """At each path any rule reads, and each step of it, any kind of value: still a report."""
    reads = _recorded_reads(monkeypatch)
    assert len(reads) > 80, "the corpus should exercise the rules' reads"
    by_type = _states_by_type()
    # What rules read with Resource.get, and every nested input the corpus gives the same
    # types (rules read those with Mapping.get on the objects they got).
    paths = set(reads) | {
        (type_token, path)
        for type_token in {t for t, _ in reads} & set(by_type)
        for document, index in by_type[type_token][:1]
        for path in _input_paths(document["deployment"]["resources"][index].get("inputs"))
    }
    prefixes = sorted({
        (type_token, tuple(steps[:length]))
        for type_token, path in paths if type_token in by_type
        for steps in [[step for step in path.replace("[]", "[].").split(".") if step]]
        for length in range(1, len(steps) + 1)
    })
    failures: list[str] = []
    rendered: set[tuple[tuple[str, str, str], ...]] = set()
    tried = 0
    for type_token, prefix_steps in prefixes:
        document, index = by_type[type_token][0]
        for prefix in [list(prefix_steps)]:
            for wrong in WRONG_KINDS:
                mutated = copy.deepcopy(document)
                state = mutated["deployment"]["resources"][index]
                _set(state.setdefault("inputs", {}), prefix, copy.deepcopy(wrong))
                tried += 1
                try:
                    report = evaluate(Graph(state_resources(mutated, "mutated")),
                                      build_settings("strict"))
                    # Rendering is the slow part: once per distinct set of findings.
                    seen = tuple((f.rule_id, f.urn, f.message) for f in report.findings)
                    if seen not in rendered:
                        rendered.add(seen)
                        render_all(report)
                except Exception as error:  # every failure is collected, then reported
                    failures.append(f"{type_token} {'.'.join(prefix)} = {wrong!r}: "
                                    f"{type(error).__name__}: {error}")
    assert tried > 1000
    assert not failures, "\n".join(failures[:20])


def test_every_rule_is_exercised_by_the_wrong_kind_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recorded reads cover every rule's types, so no rule escapes the test above."""
    reads = _recorded_reads(monkeypatch)
    read_types = {type_token for type_token, _ in reads}
    # Audit rules judge nodes the live source makes itself (read gaps, drift records):
    # no input document can hold them.
    unread = sorted(rule.id for rule in catalogue().values()
                    if not set(rule.types) & read_types
                    and not set(rule.types) <= set(AUDIT_TYPES))
    assert not unread, f"rules none of whose types the corpus reads: {unread}"

