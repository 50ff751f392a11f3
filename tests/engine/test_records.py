"""``@record`` builds the class ``@dataclass(frozen=True, slots=True)`` would, faster."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from collections.abc import Mapping
from dataclasses import InitVar, field
from typing import Any, ClassVar

import pytest

from custodes.engine import Finding
from custodes.model import Resource
from custodes.records import record


def _pair(body: dict[str, Any], annotations: dict[str, str]) -> tuple[type, type]:
    """The same class body as a record and as a frozen, slotted dataclass."""
    made = []
    for decorate in (record, dataclasses.dataclass(frozen=True, slots=True)):
        namespace = {"__annotations__": dict(annotations), **body, "__module__": __name__}
        made.append(decorate(type("Point", (), namespace)))
    return made[0], made[1]


LAYOUTS = [
    ({}, {}),
    ({}, {"x": "int"}),
    ({"y": 2, "z": None}, {"x": "int", "y": "int", "z": "str | None"}),
    ({"tags": field(default_factory=dict), "kind": "vm"},
     {"name": "str", "tags": "dict[str, str]", "kind": "str"}),
    ({"c": ()}, {"a": "str", "b": "tuple[str, ...]", "c": "tuple[str, ...]"}),
    # Four fields and more: built as the writable twin, then the record again.
    ({"y": 2, "tags": field(default_factory=dict), "kind": "vm"},
     {"x": "int", "y": "int", "tags": "dict[str, str]", "kind": "str"}),
    ({"d": None, "e": (), "f": field(default_factory=list)},
     {"a": "str", "b": "int", "c": "str", "d": "str | None", "e": "tuple[str, ...]",
      "f": "list[int]"}),
]
CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((), {}), ((1,), {}), (("n",), {}), ((1, 2), {}), ((1, 2, "s"), {}), ((1,), {"y": 5}),
    ((), {"x": 1}), ((), {"name": "n", "tags": {"a": "b"}}), (("a", ("b",)), {}),
    ((1, 2, 3, 4), {}), ((), {"nope": 1}), ((1,), {"x": 1}),
]


@pytest.mark.parametrize(("body", "annotations"), LAYOUTS)
def test_builds_what_the_dataclass_builds(body: dict[str, Any],
                                          annotations: dict[str, str]) -> None:
    fast, plain = _pair(body, annotations)
    assert str(inspect.signature(fast)) == str(inspect.signature(plain))
    for args, kwargs in CALLS:
        try:
            expected = plain(*args, **kwargs)
        except TypeError:
            with pytest.raises(TypeError):
                fast(*args, **kwargs)
            continue
        built = fast(*args, **kwargs)
        assert dataclasses.astuple(built) == dataclasses.astuple(expected)
        assert repr(built) == repr(expected)
        assert built == fast(*args, **kwargs)
        if all(isinstance(value, int | str | tuple | None) for value in dataclasses.astuple(built)):
            assert hash(built) == hash(fast(*args, **kwargs)) == hash(expected)
        assert built != expected  # another class, as two dataclasses are
        assert copy.copy(built) == built and copy.deepcopy(built) == built


def test_is_frozen_and_slotted() -> None:
    resource = Resource("urn:pulumi:s::p::aws:ec2/instance:Instance::vm",
                        "aws:ec2/instance:Instance", "vm")
    with pytest.raises(dataclasses.FrozenInstanceError):
        resource.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del resource.urn  # type: ignore[misc]
    assert not hasattr(resource, "__dict__")
    assert dataclasses.replace(resource, name="other").name == "other"
    assert resource.name == "vm"
    # --jobs workers send their reports back pickled.
    assert pickle.loads(pickle.dumps(resource)) == resource
    finding = Finding("rule", "title", "high", "mandatory", resource.urn, resource.type,
                      resource.name, "message", "fix")
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert {finding, copy.copy(finding)} == {finding}


def test_a_factory_default_is_made_per_instance() -> None:
    first = Resource("urn:a", "t", "a")
    second = Resource("urn:b", "t", "b")
    assert isinstance(first.props, Mapping) and first.props == {}
    assert first.props is not second.props
    given = {"k": 1}
    assert Resource("urn:c", "t", "c", props=given).props is given


def test_the_engine_records_keep_their_fields_in_order() -> None:
    names = [item.name for item in dataclasses.fields(Finding)]
    assert names[:3] == ["rule_id", "title", "severity"]
    assert list(inspect.signature(Finding).parameters) == names


@pytest.mark.parametrize("source", [
    "a: int\n    def __eq__(self, other: object) -> bool: return True",
    "a: int\n    def __repr__(self) -> str: return 'a'",
    "a: int\n    b: InitVar[int]",
    "a: int\n    def __post_init__(self) -> None: pass",
    "a: int = field(init=False, default=1)",
    "a: int = field(kw_only=True)",
])
def test_what_a_record_does_not_need_is_refused(source: str) -> None:
    # Named after this module, where dataclass looks InitVar up in a string annotation.
    namespace = {"record": record, "InitVar": InitVar, "field": field, "__name__": __name__}
    with pytest.raises(TypeError, match="a record has no"):
        exec(f"@record\nclass Odd:\n    {source}\n", namespace)


def test_a_class_variable_is_not_a_field() -> None:
    @record
    class Limits:
        depth: int
        most: ClassVar[int] = 3

    assert Limits(2).depth == 2 and Limits.most == 3
    assert [item.name for item in dataclasses.fields(Limits)] == ["depth"]


def test_a_record_built_through_its_twin_is_the_record_and_stays_frozen() -> None:
    # Resource (twelve fields) and Finding (fifteen) are built as writable twins.
    resource = Resource("urn:a", "t", "a", {"k": 1})
    assert type(resource) is Resource and isinstance(resource, Resource)
    assert [type(item).__name__ for item in (resource, Resource("urn:b", "t", "b"))] == [
        "Resource", "Resource"]
    for name in ("urn", "props", "source_position"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(resource, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        object.__getattribute__(resource, "__class__").__setattr__(resource, "name", "x")


def test_a_record_subclass_sets_its_bases_fields_too() -> None:
    @record
    class Base:
        kind: str
        size: int = 0

    @record
    class Shaped(Base):
        prefix: str = ""
        paths: tuple[str, ...] = ()
        more: list[int] = field(default_factory=list)

    made = Shaped("vm", 3, "p.", ("a",))
    assert dataclasses.astuple(made) == ("vm", 3, "p.", ("a",), [])
    assert type(made) is Shaped and made == Shaped("vm", 3, "p.", ("a",), [])
    assert made.more is not Shaped("vm").more
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.kind = "other"  # type: ignore[misc]
    assert copy.deepcopy(made) == made and copy.copy(made) == made


def test_a_failing_factory_leaves_no_half_built_record() -> None:
    def broken() -> dict[str, str]:
        raise RuntimeError("factory")

    @record
    class Many:
        a: int
        b: int
        c: int
        d: dict[str, str] = field(default_factory=broken)

    with pytest.raises(RuntimeError, match="factory"):
        Many(1, 2, 3)
    assert Many(1, 2, 3, {}).d == {}
