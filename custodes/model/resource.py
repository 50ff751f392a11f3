"""The resource model every source produces and every rule reads.

A :class:`Resource` is one node of a Pulumi stack as custodes sees it: its URN,
type token, name and properties in Pulumi's camelCase shape, plus the edges the
engine uses to follow references (parent, provider, dependencies and property
dependencies). Nothing here knows whether the resource came from a program run
offline, a preview, a stack export or a live cloud.

Two values stand in for what cannot be read:

* :data:`UNKNOWN` — a value Pulumi does not know yet (an output of a resource
  that a preview has not created). Unknown is a state of its own: rules must
  treat it as "cannot tell", never as compliant.
* :class:`Secret` — a Pulumi secret. Its value is kept opaque: ``str()`` and
  ``repr()`` never show it, and reporters never see it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import field
from typing import Any, Final

from custodes.records import record
from custodes.redaction import register_secret


class UnknownValueError(TypeError):
    """Raised when code asks an unknown value for its truth.

    The engine turns it into an "unresolved" finding for the rule that asked,
    so a rule that forgot to test for :data:`UNKNOWN` reports "cannot tell"
    instead of passing or crashing.
    """


class _Unknown:
    """The type of :data:`UNKNOWN`; there is exactly one instance."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        # How a message quoting it (custodes.errors.shown) reads.
        return "(unknown)"

    def __bool__(self) -> bool:
        # An unknown value is neither true nor false; refusing to guess keeps a
        # careless `if value:` from reading it as "not set".
        raise UnknownValueError("an unknown value has no truth value")

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
"""A value that is not known yet (Pulumi's unknown output)."""


class Secret:
    """A Pulumi secret: present, but never shown.

    ``value`` holds the plaintext when the source had it (a program run
    offline); ciphertext from a stack export is dropped at the source. The
    plaintext is registered for the whole run (:mod:`custodes.redaction`), so
    that no line custodes writes can show it, wherever else it turns up.
    """

    __slots__ = ("_value",)

    def __init__(self, value: Any = None) -> None:
        self._value = value
        if value is not None:
            register_secret(value)

    def __reduce__(self) -> tuple[type[Secret], tuple[Any]]:
        # Made again through __init__ where it is unpickled (a --jobs worker's report):
        # the plaintext is registered in that process too.
        return (Secret, (self._value,))

    def reveal(self) -> Any:
        """The plaintext, for a rule that must judge it. Never put it in a message."""
        return self._value

    def __repr__(self) -> str:
        return "[secret]"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        # A rule may compare a secret with a plain value (`== "ConfidentialVM"`)
        # and get the right verdict; what it cannot do is print it.
        if isinstance(other, Secret):
            return bool(other._value == self._value)
        if self._value is None:
            # Ciphertext only: a secret is set, its value unknown here. It is never
            # equal to a plain value, least of all to None or "" (a rule's "absent").
            return False
        return bool(self._value == other)

    def __hash__(self) -> int:
        return hash(Secret)


def plain(value: Any) -> Any:
    """The plaintext of a secret, or the value itself: for a rule's verdict, never its message."""
    return value.reveal() if isinstance(value, Secret) else value


def readable(value: Any) -> Any:
    """What a rule may judge of ``value``: a secret's plaintext, or :data:`UNKNOWN`.

    A secret whose plaintext the document does not hold (ciphertext, or
    ``[secret]`` in a preview) cannot be judged: it is unknown, and the rule
    reports it unresolved rather than passing it. Any other value is itself.
    Judge what this returns; put the original ``value`` in the message (a
    secret prints as ``[secret]``).
    """
    if isinstance(value, Secret):
        inner = value.reveal()
        return UNKNOWN if inner is None else readable(inner)
    return value


@record
class SourcePosition:
    """Where a resource was declared in the user's program."""

    file: str
    line: int
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@record
class Resource:
    """One resource of a stack.

    ``props`` are the declared properties (Pulumi's inputs), in camelCase;
    ``outputs`` are what the provider reported back (ids, ARNs, self links)
    and are used to match references. ``property_dependencies`` maps a
    top-level input name to the URNs of the resources it was computed from.
    """

    urn: str
    type: str
    name: str
    props: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None
    custom: bool = True
    parent: str | None = None
    provider: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source_position: SourcePosition | None = None

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted camelCase ``path`` of ``props``.

        ``get("cpuOptions.amdSevSnp")``. A path crossing an unknown value gives
        :data:`UNKNOWN`; one crossing anything that is not a mapping (a list, a
        string where an object was expected) gives ``default``.
        """
        return lookup(self.props, path, default)

    def values(self, path: str) -> Iterator[tuple[str, Any]]:
        """Every value matched by a path with ``[]`` list steps, with its concrete path.

        ``values("ebsBlockDevices[].kmsKeyId")`` yields
        ``("ebsBlockDevices[0].kmsKeyId", …)`` for each device. A list that is
        itself unknown yields one ``(path, UNKNOWN)``.
        """
        return iter_path(self.props, path)

    def output(self, path: str, default: Any = None) -> Any:
        """The value at ``path`` of the provider's outputs."""
        return lookup(self.outputs, path, default)

    def tag(self, key: str) -> Any:
        """A tag (AWS, Azure) or label (GCP) value, or ``None``.

        :data:`UNKNOWN` when the whole map is unknown, or a secret whose
        plaintext the document does not hold: the tag may be in it. A tag read
        from a secret map is a :class:`Secret`.
        """
        for container in ("tags", "labels"):
            tags = self.props.get(container)
            if tags is None:
                continue
            if type(tags) is dict:  # what JSON decodes to: no ABC check
                if key in tags:
                    return tags[key]
                continue
            if tags is UNKNOWN or (isinstance(tags, Secret) and readable(tags) is UNKNOWN):
                return UNKNOWN
            if isinstance(tags, Secret):
                inner = tags.reveal()
                if isinstance(inner, Mapping) and key in inner:
                    value = inner[key]
                    return value if value is None or value is UNKNOWN \
                        or isinstance(value, Secret) else Secret(value)
            elif isinstance(tags, Mapping) and key in tags:
                return tags[key]
        return None


def lookup(document: Any, path: str, default: Any = None) -> Any:
    """Follow a dotted path through nested mappings (see :meth:`Resource.get`).

    A value read from inside a secret is itself a :class:`Secret`: secrecy is
    not lost by reading a field of a secret object.
    """
    if type(document) is dict and "." not in path:  # one step into a plain dict: most reads
        return document.get(path, default)
    current = document
    secret = False
    for step in path.split("."):
        if current is UNKNOWN:
            return UNKNOWN
        if type(current) is not dict:  # a plain dict is a Mapping: skip the slow checks
            if isinstance(current, Secret):
                current = current.reveal()
                secret = True
            if not isinstance(current, Mapping):
                return default
        if step not in current:
            return default
        current = current[step]
    if secret and current is not UNKNOWN and current is not None \
            and not isinstance(current, Secret):
        return Secret(current)
    return current


def iter_path(document: Any, path: str, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Expand ``[]`` steps of ``path`` over lists (see :meth:`Resource.values`)."""
    if "[]" not in path:  # one value: no generator to start and resume
        return iter(((prefix + path, lookup(document, path) if path else document),))
    return _expanded(document, path, prefix)


def _expanded(document: Any, path: str, prefix: str) -> Iterator[tuple[str, Any]]:
    head, _, rest = path.partition("[]")  # a path with a [] step
    value = lookup(document, head) if head else document
    here = prefix + head
    if value is UNKNOWN:
        yield here + "[]", UNKNOWN
        return
    if not isinstance(value, list | tuple):
        return
    tail = rest.removeprefix(".")
    for index, item in enumerate(value):
        item_prefix = f"{here}[{index}]"
        if not tail:
            yield item_prefix, item
        else:
            yield from iter_path(item, tail, item_prefix + ".")


def type_module(type_token: str) -> str:
    """The provider package of a type token: ``aws`` for ``aws:ec2/instance:Instance``."""
    return type_token.split(":", 1)[0]
