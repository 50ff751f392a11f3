"""Small files cannot exhaust the machine.

Generated per kind: "billion laughs" YAML (aliases nested to any depth and
width, or referring to themselves) in ``--waivers``, ``--config`` and
``Pulumi.<stack>.yaml`` is refused at once with one line; a huge string in a
property a rule quotes is quoted as a bounded prefix in every format. YAML that
uses aliases modestly is still read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.config import build_settings
from custodes.engine import MAX_MESSAGE, evaluate
from custodes.errors import shown
from custodes.settings_files import MAX_ALIAS_EXPANSION, load_yaml
from custodes.sources.documents import graph_from_document
from tests.hostile.harness import assert_clear_error, render_all, run_in_process

INSTANCE = "aws:ec2/instance:Instance"


def laughs(depth: int, width: int, leaf: str = "lol") -> str:
    """``depth`` levels of ``width`` aliases each: width**depth leaves in a few hundred bytes."""
    lines = [f"l0: &l0 [{', '.join([repr(leaf)] * width)}]"]
    for level in range(1, depth + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


bombs = st.one_of(
    st.builds(laughs, depth=st.integers(6, 12), width=st.integers(8, 12)),
    st.builds(lambda depth: laughs(depth, 2), depth=st.integers(18, 40)),
    st.sampled_from(["a: &a [*a]\n", "a: &a {k: *a}\n", "a: &a [1, [2, *a]]\n"]),
)
places = st.sampled_from(["waivers", "config", "stack"])


@given(bomb=bombs, place=places)
@settings(max_examples=40, deadline=2000,  # refused at once, not after minutes of expansion
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_yaml_bomb_is_refused_at_once(tmp_path: Path, bomb: str, place: str) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"version": 3, "deployment": {"resources": []}}))
    if place == "stack":
        (tmp_path / "Pulumi.yaml").write_text("name: bomb\nruntime: python\n")
        (tmp_path / "__main__.py").write_text("")
        (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  bomb:x:\n" + "".join(
            f"    {line}\n" for line in bomb.splitlines()))
        args = ["check", str(tmp_path)]
    else:
        (tmp_path / "bomb.yaml").write_text(bomb)
        args = ["check", str(export), f"--{place}", "bomb.yaml"]
    outcome = run_in_process(*args, cwd=tmp_path)
    assert_clear_error(outcome, ["refused"])


@given(depth=st.integers(1, 4), width=st.integers(1, 8))
def test_yaml_with_modest_aliases_is_read(depth: int, width: int) -> None:
    document = load_yaml(laughs(depth, width), "modest.yaml")
    assert len(document) == depth + 1
    assert width ** (depth + 1) <= MAX_ALIAS_EXPANSION


@given(length=st.sampled_from([10**4, 10**6, 5 * 10**7]),
       place=st.sampled_from(["instanceType", "tag", "keyId"]),
       fill=st.sampled_from(["x", "é", "\n", "'"]))
@settings(max_examples=12, deadline=None)
def test_a_huge_value_is_quoted_as_a_bounded_prefix_in_every_format(length: int, place: str,
                                                                     fill: str) -> None:
    huge = "m5." + fill * length
    config: dict[str, Any] = {}
    inputs: dict[str, Any] = {"instanceType": "m5.large", "cpuOptions": {"amdSevSnp": "enabled"},
              "rootBlockDevice": {"encrypted": True, "kmsKeyId": "arn:aws:kms:x"},
              "tags": {"data-classification": "confidential"}}
    if place == "instanceType":
        inputs["instanceType"] = huge
    elif place == "tag":  # a classification the configuration names, quoted by the rule
        inputs.pop("cpuOptions")
        inputs["tags"] = {"data-classification": huge}
        config = {"custodes-data-classification-require-confidential": {
            "classifications": [huge]}}
    else:
        inputs["rootBlockDevice"]["kmsKeyId"] = "arn:aws:kms:" + huge
    document = {"version": 3, "deployment": {"resources": [
        {"urn": f"urn:pulumi:dev::big::{INSTANCE}::big", "type": INSTANCE, "custom": True,
         "inputs": inputs}]}}
    report = evaluate(graph_from_document(document, "big"), build_settings("strict", config))
    assert report.findings
    assert all(len(finding.message) <= MAX_MESSAGE for finding in report.findings)
    for name, text in render_all(report).items():
        assert len(text) < 200_000, name  # the value's prefix, never the value


@given(fill=st.characters(), length=st.integers(0, 10**6), items=st.integers(0, 100),
       shape=st.sampled_from(["text", "list", "dict", "nested"]), limit=st.integers(4, 200))
@settings(max_examples=60, deadline=None)
def test_shown_is_bounded_whatever_the_value(fill: str, length: int, items: int, shape: str,
                                             limit: int) -> None:
    text = fill * length
    value: object = {"text": text, "list": [text] * items,
                     "dict": {str(i): text for i in range(items)},
                     "nested": [[[[text] * items]] * items]}[shape]
    assert len(shown(value, limit)) <= limit
    assert len(shown(value, limit, bare=True)) <= limit
