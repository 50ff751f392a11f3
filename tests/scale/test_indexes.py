"""Indexes derived once per graph: reverse references, and no quadratic work as stacks grow."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.synthetic import preview, stack_export
from custodes.config import build_settings
from custodes.engine import evaluate
from custodes.model import UNKNOWN, Graph
from custodes.sources.documents import graph_from_document
from tests.conftest import graph, resource

INSTANCE = "aws:ec2/instance:Instance"
ATTACHMENT = "aws:ec2/volumeAttachment:VolumeAttachment"


def test_referrers_are_found_by_identifier_and_through_unknowns() -> None:
    first = resource(INSTANCE, "first", id="i-1")
    second = resource(INSTANCE, "second", id="i-2")
    by_id = resource(ATTACHMENT, "by-id", {"instanceId": "i-1"})
    pending = resource(ATTACHMENT, "pending", {"instanceId": UNKNOWN},
                       property_dependencies={"instanceId": (second.urn,)})
    elsewhere = resource(ATTACHMENT, "elsewhere", {"instanceId": "i-outside"})
    also_first = resource(ATTACHMENT, "also-first", {"instanceId": first.urn})
    stack = graph(first, second, by_id, pending, elsewhere, also_first)
    index = stack.referrers((ATTACHMENT,), "instanceId", (INSTANCE,))
    # Referrers come in the graph's order (by URN), whatever the input order.
    assert index == {first.urn: (also_first, by_id), second.urn: (pending,)}
    assert stack.referrers([ATTACHMENT], "instanceId", [INSTANCE]) is index


def test_a_derived_index_is_built_once_per_graph() -> None:
    calls: list[Graph] = []

    def build(stack: Graph) -> int:
        calls.append(stack)
        return len(stack)

    one, other = graph(resource(INSTANCE, "a")), graph()
    assert one.derived(("count",), build) == 1 and one.derived(("count",), build) == 1
    assert other.derived(("count",), build) == 0
    assert calls == [one, other]


@pytest.fixture
def count_references(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count every Graph.reference and Graph.of_type call: the engine's unit of work."""
    counter = [0]
    reference, of_type = Graph.reference, Graph.of_type

    def counted_reference(self: Graph, *args: Any) -> Any:
        counter[0] += 1
        return reference(self, *args)

    def counted_of_type(self: Graph, *types: str) -> Any:
        found = of_type(self, *types)
        counter[0] += len(found)
        return found

    monkeypatch.setattr(Graph, "reference", counted_reference)
    monkeypatch.setattr(Graph, "of_type", counted_of_type)
    yield counter


@pytest.mark.parametrize("document", [stack_export, preview])
def test_work_grows_linearly_with_the_stack(count_references: list[int], document: Any) -> None:
    work = {}
    for size in (600, 2400):
        stack = graph_from_document(document(size, seed=3), "synthetic")
        count_references[0] = 0
        evaluate(stack, build_settings("strict"))
        work[size] = count_references[0]
    # Four times the resources: about four times the look-ups (a quadratic scan gives 16).
    assert work[2400] < 5 * work[600], work
