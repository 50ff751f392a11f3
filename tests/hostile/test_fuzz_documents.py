"""Property-based tests of the preview and stack-export readers, through the command line.

A valid document — any resource shapes, Pulumi's secrets, unknowns and
references anywhere, dangling and cyclic edges — always yields a report, in
every format. A corrupted one yields a report or one clear line, never a
traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.config import build_settings
from custodes.engine import evaluate
from custodes.model import UNKNOWN, Secret
from custodes.sources.documents import graph_from_document, parse_json
from custodes.sources.pulumi_json import _decode, _decode_deep
from tests.hostile.harness import (
    assert_json_report,
    assert_report_or_clear_error,
    render_all,
    run_in_process,
)
from tests.hostile.strategies import (
    broken_bytes,
    documents,
    pulumi_values,
    type_confused,
)

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty directory to run in: no waivers file, no stray config."""
    return tmp_path_factory.mktemp("fuzz")


def check(document_bytes: bytes, workdir: Path, profile: str = "default") -> Any:
    return run_in_process("check", "-", "--format", "json", "--profile", profile,
                          cwd=workdir, stdin=document_bytes)


@FUZZ
@given(document=documents, profile=st.sampled_from(["default", "strict"]))
def test_a_valid_document_always_yields_a_report(document: dict[str, Any], profile: str,
                                                 workdir: Path) -> None:
    data = json.dumps(document).encode()
    report = assert_json_report(check(data, workdir, profile))
    # The same document, judged in-process, renders in every format.
    graph = graph_from_document(parse_json(data, "fuzz"), "fuzz")
    rendered = render_all(evaluate(graph, build_settings(profile)))
    assert json.loads(rendered["json"])["summary"] == report["summary"]


@FUZZ
@given(data=st.data(), document=documents)
def test_a_document_with_a_node_of_the_wrong_kind_is_a_report_or_one_line(
        data: st.DataObject, document: dict[str, Any], workdir: Path) -> None:
    confused = data.draw(type_confused(document))
    assert_report_or_clear_error(check(json.dumps(confused).encode(), workdir))


@FUZZ
@given(data=st.data(), document=documents)
def test_broken_bytes_are_a_report_or_one_line(data: st.DataObject, document: dict[str, Any],
                                               workdir: Path) -> None:
    assert_report_or_clear_error(check(data.draw(broken_bytes(document)), workdir))


@FUZZ
@given(value=json_values)
def test_any_json_is_a_report_or_one_line(value: Any, workdir: Path) -> None:
    assert_report_or_clear_error(check(json.dumps(value).encode(), workdir))


@FUZZ
@given(data=st.binary(max_size=200))
def test_any_bytes_are_a_report_or_one_line(data: bytes, workdir: Path) -> None:
    assert_report_or_clear_error(check(data, workdir))


def _shape(value: Any) -> Any:
    if isinstance(value, Secret):
        return ("secret", _shape(value.reveal()))
    if value is UNKNOWN:
        return "unknown"
    if isinstance(value, dict):
        return ("dict", [(key, _shape(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(item) for item in value])
    return ("value", repr(value))


@settings(max_examples=400, deadline=None)
@given(value=pulumi_values)
def test_the_decoder_for_deep_values_decodes_as_the_recursive_one(value: Any) -> None:
    """Values nested past the interpreter's stack are decoded the same way as shallow ones."""
    assert _shape(_decode_deep(value)) == _shape(_decode(value))
