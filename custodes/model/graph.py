"""The resource graph: every resource of a stack, indexed once, with references resolved.

A confidential instance names its key by a string — an ARN, a key id, a GCP
self link, an Azure resource id or key URL — or, in a preview, by an unknown
value computed from another resource. :meth:`Graph.reference` follows either
to the resource in the same stack: by identifier match first, then through the
input's property dependencies. Every index is built once in ``__init__``;
look-ups are O(1) in the size of the stack. Indexes that analyses derive from
the graph (:meth:`Graph.referrers`, :meth:`Graph.derived`) are built once, on
first use, so that no rule or custody analysis is quadratic in the stack.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal, TypeVar

from custodes.errors import InputError
from custodes.model.resource import UNKNOWN, Resource, Secret
from custodes.records import record

ReferenceState = Literal["absent", "resolved", "external", "unknown"]
T = TypeVar("T")

# Outputs that identify a resource when another resource refers to it.
_IDENTIFIER_OUTPUTS = frozenset({
    "arn",
    "id",
    "keyId",
    "selfLink",
    "keyUri",
    "keyUriWithVersion",
    "attestUri",
    "uniqueId",
    "crn",  # IBM Cloud resource names
})
_GCP_PREFIX = re.compile(r"^https://[a-z0-9.-]+\.googleapis\.com/(?:compute/)?(?:v1|beta)/")
_GCP_KEY_VERSION = re.compile(r"/cryptoKeyVersions/[^/]+$")
_AZURE_KEY_URL = re.compile(r"^(https://[^/]+/keys/[^/]+)(?:/[^/]*)?$", re.IGNORECASE)
# A Key Vault or Managed HSM host, in any case: ``".vault.azure.net" in text.lower()``
# without lowering every identifier of the stack.
_AZURE_KEY_HOST = re.compile(r"\.(?:vault|managedhsm)\.azure\.net", re.IGNORECASE | re.ASCII)


def normalise_identifier(value: str) -> str:
    """The form two spellings of one identifier share.

    GCP self links lose their API prefix and key version; Azure resource ids
    and key URLs are case-insensitive and lose the key version.
    """
    text = value.strip()
    # The substring tests only skip a regular expression that could not match.
    if text.startswith("https://"):
        text = _GCP_PREFIX.sub("", text)
    if "/cryptoKeyVersions/" in text:
        text = _GCP_KEY_VERSION.sub("", text)
    if text.startswith("/subscriptions/") or ("." in text and _AZURE_KEY_HOST.search(text)):
        match = _AZURE_KEY_URL.match(text)
        if match:
            text = match.group(1)
        return text.lower().rstrip("/")
    return text


@record
class Reference:
    """What a property that names another resource points at.

    ``state`` is ``absent`` (no value), ``resolved`` (one or more resources of
    the stack: ``candidates``), ``external`` (a literal identifier of
    something outside the stack: ``value``) or ``unknown`` (an unknown value
    that the graph could not pin to a resource of the expected type).
    """

    path: str
    value: Any
    state: ReferenceState
    candidates: tuple[Resource, ...] = ()

    @property
    def target(self) -> Resource | None:
        """The resource referred to when exactly one fits."""
        return self.candidates[0] if len(self.candidates) == 1 else None


class Graph:
    """All resources of one stack, with parent/child, type and identifier indexes."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self._by_urn: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._children: dict[str, list[Resource]] = defaultdict(list)
        self._derived: dict[Any, Any] = {}
        self._derived_of: dict[str, dict[str, Any]] = {}
        # Every index in URN order, not input order: the same stack in another order
        # (a shuffled export, a different registration order) gives the same answers.
        for resource in sorted(resources, key=_urn_of):
            if resource.urn in self._by_urn:
                raise InputError(f"duplicate resource URN {resource.urn}")
            self._by_urn[resource.urn] = resource
            self._by_type[resource.type].append(resource)
            if resource.parent:
                self._children[resource.parent].append(resource)

    def __len__(self) -> int:
        return len(self._by_urn)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._by_urn.values())

    def __contains__(self, urn: object) -> bool:
        return urn in self._by_urn

    def get(self, urn: str | None) -> Resource | None:
        """The resource with this URN, or ``None``."""
        return self._by_urn.get(urn) if urn else None

    def of_type(self, *types: str) -> list[Resource]:
        """Every resource of the given type tokens, each type in URN order."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        return [resource for token in types for resource in self._by_type.get(token, ())]

    def children(self, urn: str) -> list[Resource]:
        """The resources whose parent is ``urn``."""
        return list(self._children.get(urn, ()))

    def ancestors(self, resource: Resource) -> Iterator[Resource]:
        """Parent, grandparent …; stops at a dangling parent or a cycle."""
        seen = {resource.urn}
        current = self.get(resource.parent)
        while current is not None and current.urn not in seen:
            yield current
            seen.add(current.urn)
            current = self.get(current.parent)

    def find(self, identifier: str, types: Iterable[str] | None = None) -> list[Resource]:
        """Resources of the stack that ``identifier`` names (ARN, id, self link, URL, URN),
        in URN order."""
        if identifier in self._by_urn:
            found = self._by_urn[identifier]
            return [found] if types is None or found.type in set(types) else []
        key = normalise_identifier(identifier)
        present = self._by_type
        named = [resource for token in (present if types is None else dict.fromkeys(types))
                 if token in present  # a type the stack has: most of a list are absent
                 for resource in self._identified(token).get(key, ())]
        if len(named) > 1:
            named.sort(key=_urn_of)
        return named

    def _identified(self, type_token: str) -> Mapping[str, list[Resource]]:
        """The resources of one type by each identifier they are named by (built on first
        use: a stack's instances are seldom looked up by identifier, its keys are)."""
        def build(graph: Graph) -> Mapping[str, list[Resource]]:
            index: dict[str, list[Resource]] = defaultdict(list)
            for resource in graph._by_type.get(type_token, ()):
                for identifier in _identifiers(resource):
                    index[identifier].append(resource)
            return index

        return self.derived(("identified", type_token), build)

    def reference(
        self, resource: Resource, path: str, value: Any, types: Iterable[str]
    ) -> Reference:
        """Follow ``value``, read at ``path`` of ``resource``, to a resource of ``types``.

        A string is matched against the identifiers of the stack's resources.
        An unknown value is pinned through the property dependencies of the
        path's top-level input (or, when the source recorded none, the
        resource's dependencies) to the resources of the expected types.
        """
        wanted = tuple(types)
        if value is None or value == "":
            return Reference(path, value, "absent")
        if isinstance(value, Secret):
            value = value.reveal()
            if value is None:
                return Reference(path, UNKNOWN, "unknown")
        if isinstance(value, str):
            found = self.find(value, wanted)
            if found:
                return Reference(path, value, "resolved", tuple(found))
            return Reference(path, value, "external")
        if value is UNKNOWN:
            candidates = self._dependency_candidates(resource, path, wanted)
            if candidates:
                return Reference(path, value, "resolved", candidates)
            return Reference(path, value, "unknown")
        # A number, list or object where an identifier was expected: nothing to follow.
        return Reference(path, value, "external")

    def referrers(
        self, types: Iterable[str], path: str, target_types: Iterable[str]
    ) -> Mapping[str, tuple[Resource, ...]]:
        """The reverse of :meth:`reference`: who refers to each resource, by URN.

        For every resource of ``types`` (in URN order), ``path`` is followed
        with :meth:`reference` to the resources of ``target_types``; the index
        maps each target's URN to the resources that refer to it. Built once
        per (types, path, target types) and kept: "which attachments name this
        instance" is then one look-up instead of a scan of the stack.
        """
        wanted, targets = tuple(types), tuple(target_types)

        def build(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
            index: dict[str, list[Resource]] = defaultdict(list)
            for referrer in graph.of_type(*wanted):
                reference = graph.reference(referrer, path, referrer.get(path), targets)
                for target in reference.candidates:
                    index[target.urn].append(referrer)
            return {urn: tuple(found) for urn, found in index.items()}

        return self.derived(("referrers", wanted, path, targets), build)

    def derived(self, key: Any, build: Callable[[Graph], T]) -> T:
        """``build(self)``, computed on first use under ``key`` and kept for this graph.

        A graph does not change once built, so an index derived from it (roles
        by key, grants by key …) stays true; ``key`` names the derivation
        (by convention a tuple starting with the name of what it holds, then what
        it is of: ``("aws-disk-key", path, key id)``). One resource's answer is kept
        with :meth:`derived_of`.
        """
        value: T = self._derived.get(key, _NOT_DERIVED)
        if value is _NOT_DERIVED:  # a look-up, not an exception: one in six is a miss
            value = self._derived[key] = build(self)
        return value

    def derived_of(self, name: str, resource: Resource,
                   build: Callable[[Graph, Resource], T]) -> T:
        """``build(self, resource)``, computed on first use and kept for this graph: a
        per-resource :meth:`derived` (``name`` says what it holds, ``"aws-technologies"``).

        One table per name, keyed by the resource's URN: the look-up a workload's
        hot path makes several times per rule builds no key and no closure.
        """
        table = self._derived_of.get(name)
        if table is None:
            table = self._derived_of[name] = {}
        value: T = table.get(resource.urn, _NOT_DERIVED)
        if value is _NOT_DERIVED:
            value = table[resource.urn] = build(self, resource)
        return value

    def _dependency_candidates(
        self, resource: Resource, path: str, types: tuple[str, ...]
    ) -> tuple[Resource, ...]:
        top = path.split(".", 1)[0].split("[", 1)[0]
        if resource.property_dependencies:
            urns: Iterable[str] = resource.property_dependencies.get(top, ())
        else:
            urns = resource.dependencies
        wanted = set(types)
        found: list[Resource] = []
        for urn in urns:
            dependency = self.get(urn)
            if dependency is not None and dependency.type in wanted and dependency not in found:
                found.append(dependency)
        return tuple(sorted(found, key=_urn_of))


def _urn_of(resource: Resource) -> str:
    return resource.urn


_NOT_DERIVED: Any = object()


def _identifiers(resource: Resource) -> set[str]:
    """Every identifier the resource is named by, each once: its id and identifying
    outputs (normalised), and an alias's own name (``alias/…``)."""
    outputs = resource.outputs
    if type(outputs) is not dict and not isinstance(outputs, Mapping):  # dict: no ABC check
        outputs = {}
    spelled = {value for name in _IDENTIFIER_OUTPUTS.intersection(outputs)
               if isinstance(value := outputs[name], str) and value}
    if resource.id:
        spelled.add(resource.id)
    found = {normalise_identifier(value) for value in spelled}
    # An alias is named by its own name (`alias/…`) as well as its ARN.
    if resource.type == "aws:kms/alias:Alias":
        for alias_name in (resource.props.get("name"), resource.outputs.get("name")):
            if isinstance(alias_name, str) and alias_name:
                found.add(alias_name)
                break
    return found
