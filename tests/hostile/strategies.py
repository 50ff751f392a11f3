"""Hypothesis strategies for the documents custodes reads: previews, stack exports, configs.

Valid documents are built two ways: from scratch (random resources of every
type a rule or custody module reads, random property shapes with Pulumi's
special values), and from the rule corpus (real resource states with random
subtrees replaced), so the shapes rules actually read get exercised.
Corruptions start from a valid document and break it: bytes flipped or cut,
a node of any depth replaced by a value of another type.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from custodes.rules import catalogue
from custodes.sources.pulumi_json import (
    OUTPUT_VALUE_SIG,
    RESOURCE_REFERENCE_SIG,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN_VALUE,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PREVIEW_OPS = ("same", "create", "update", "replace", "create-replacement", "delete-replaced",
               "delete", "import", "read", "refresh", "discard", "remove-pending-replace")


@cache
def rule_types() -> tuple[str, ...]:
    """Every type token a rule judges, plus the ones custody follows references to."""
    types = {token for rule in catalogue().values() for token in rule.types}
    types |= {state["type"] for state in corpus_states()}
    return tuple(sorted(types))


@cache
def corpus_states() -> tuple[dict[str, Any], ...]:
    """Every resource state of the corpus's stack exports."""
    states = []
    for path in sorted(CORPUS.glob("*/*/export.json")):
        states.extend(json.loads(path.read_text(encoding="utf-8"))["deployment"]["resources"])
    return tuple(states)


@cache
def corpus_property_names() -> tuple[str, ...]:
    """The property names the corpus uses, at any depth: the names rules look for."""
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                names.add(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for state in corpus_states():
        walk(state.get("inputs"))
    return tuple(sorted(names))


# Text that breaks renderers that trust it: markup, escapes, control characters,
# half a surrogate pair, workflow commands, XML and HTML, very long lines.
NASTY = ("[/]", "[bold red]x[/bold red]", "\x1b[2J\x1b[31mred", "\x00", "\x07\x08\x0b",
         "\r\n::error::injected", "%0A%25", "<script>alert(1)</script>", "]]>", "&amp;",
         "\ud800", "\udfff\ud800", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u202eevil", "`$(reboot)`", "|a|b|",
         "x" * 5000)
nasty = st.sampled_from(NASTY)
names = st.one_of(st.sampled_from(corpus_property_names()), st.text(max_size=12), nasty)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    nasty,
    st.sampled_from([UNKNOWN_VALUE, "[secret]", "true", "false", "enabled", "ConfidentialVM",
                     "SEV_SNP", "TDX", "alias/aws/ebs", "m6a.large", "Standard_DC4as_v5",
                     "arn:aws:kms:us-east-1:123456789012:key/1", "TERMINATE", "HSM", ""]),
)


def _wrapped(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Containers and Pulumi's signature objects around ``children``."""
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(names, children, max_size=5),
        st.builds(lambda v: {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(v)}, children),
        st.builds(lambda v: {SIG_KEY: SECRET_SIG, "value": v}, children),
        st.builds(lambda: {SIG_KEY: SECRET_SIG, "ciphertext": "AAABAKZ0"}),
        st.builds(lambda v, s: {SIG_KEY: OUTPUT_VALUE_SIG, "value": v, "secret": s},
                  children, st.booleans()),
        st.builds(lambda: {SIG_KEY: OUTPUT_VALUE_SIG, "dependencies": []}),
        st.builds(lambda u: {SIG_KEY: RESOURCE_REFERENCE_SIG, "urn": u}, st.text(max_size=20)),
    )


pulumi_values = st.recursive(scalars, _wrapped, max_leaves=25)
properties = st.dictionaries(names, pulumi_values, max_size=8)


def urn_of(type_token: str, name: str) -> str:
    return f"urn:pulumi:dev::fuzz::{type_token}::{name}"


@st.composite
def fresh_state(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """A resource state of a random rule type with random properties."""
    type_token = draw(st.sampled_from(rule_types()))
    state: dict[str, Any] = {"urn": urn_of(type_token, name), "type": type_token,
                             "custom": draw(st.booleans())}
    state["inputs"] = draw(properties)
    if draw(st.booleans()):
        state["outputs"] = draw(properties)
    if draw(st.booleans()):
        state["id"] = draw(st.text(max_size=40))
    return state


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    container = document
    for step in path[:-1]:
        container = container[step]
    container[path[-1]] = value
    return document


@st.composite
def corpus_state(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """A real resource state of the corpus, with up to three property subtrees replaced."""
    state = copy.deepcopy(draw(st.sampled_from(corpus_states())))
    state["urn"] = urn_of(state["type"], name)
    for _ in range(draw(st.integers(0, 3))):
        inputs = state.setdefault("inputs", {})
        paths = [p for p in _paths(inputs) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        _replace(inputs, path, draw(pulumi_values))
    state.pop("parent", None)
    state.pop("dependencies", None)
    state.pop("propertyDependencies", None)
    return state


@st.composite
def states(draw: st.DrawFn, min_size: int = 0, max_size: int = 8) -> list[dict[str, Any]]:
    """Resource states with unique URNs and random edges between them (some dangling)."""
    count = draw(st.integers(min_size, max_size))
    found = [draw(st.one_of(fresh_state(f"r{index}"), corpus_state(f"r{index}"),
                            fresh_state(f"r{index}{draw(nasty)}"),
                            corpus_state(f"r{index}{draw(nasty)}")))
             for index in range(count)]
    urns = [state["urn"] for state in found] + [urn_of("aws:kms/key:Key", "dangling")]
    for state in found:
        if draw(st.booleans()):
            state["parent"] = draw(st.sampled_from(urns))  # cycles and self-parents included
        deps = draw(st.lists(st.sampled_from(urns), max_size=3))
        state["dependencies"] = deps
        inputs = state.get("inputs") or {}
        if inputs and draw(st.booleans()):
            state["propertyDependencies"] = {
                key: draw(st.lists(st.sampled_from(urns), max_size=2))
                for key in draw(st.lists(st.sampled_from(sorted(inputs)), max_size=3))
            }
        if draw(st.booleans()):
            state["provider"] = draw(st.sampled_from(urns)) + "::" + draw(st.text(max_size=8))
    return found


@st.composite
def stack_exports(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ``pulumi stack export`` document (version 3 or 4)."""
    resources = draw(states())
    if resources and draw(st.booleans()):
        # An old copy awaiting deletion after a replacement shares its URN.
        old = copy.deepcopy(draw(st.sampled_from(resources)))
        old["delete"] = True
        resources.insert(draw(st.integers(0, len(resources))), old)
    return {"version": draw(st.sampled_from([3, 4])),
            "deployment": {"manifest": {"time": "2026-01-01T00:00:00Z", "version": "v3.200.0"},
                           "resources": resources}}


@st.composite
def previews(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ``pulumi preview --json`` document: steps of any operation."""
    steps = []
    for state in draw(states()):
        op = draw(st.sampled_from(PREVIEW_OPS))
        step: dict[str, Any] = {"op": op, "urn": state["urn"]}
        if op not in ("delete", "discard", "delete-replaced") or draw(st.booleans()):
            step["newState"] = state
        if draw(st.booleans()):
            step["oldState"] = copy.deepcopy(state)
        steps.append(step)
        if draw(st.integers(0, 5)) == 0:
            steps.append({**step, "op": "create-replacement"})  # one URN, several steps
    return {"steps": steps, "changeSummary": {}, "duration": 1}


documents = st.one_of(stack_exports(), previews())


@st.composite
def type_confused(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with one node, at any depth, replaced by a value of another kind."""
    copied = copy.deepcopy(document)
    path = draw(st.sampled_from(_paths(copied)))
    replacement = draw(st.one_of(scalars, st.lists(scalars, max_size=2),
                                 st.dictionaries(st.text(max_size=5), scalars, max_size=2)))
    return _replace(copied, path, replacement)


@st.composite
def broken_bytes(draw: st.DrawFn, document: Any) -> bytes:
    """The JSON of ``document`` cut short, with bytes flipped, inserted or removed."""
    data = bytearray(json.dumps(document).encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "cut":
            del data[position:]
        elif action == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=4))
        elif data:
            del data[position]
    return bytes(data)
