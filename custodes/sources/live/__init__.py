"""The live cloud as a source: ``custodes audit`` judges what is deployed.

Each cloud module (:mod:`~custodes.sources.live.aws`, ``azure``, ``gcp``) has
two layers:

* **normalisers** — pure functions from one API response (a dict in the shape
  of the cloud's JSON API, as the SDK returns it) to a
  :class:`~custodes.model.Resource` with the type token and camelCase
  properties the Pulumi provider uses, so every rule runs unchanged;
* **a fetch layer** — ``connect(options)`` finds credentials through the SDK's
  default chain and proves them with one cheap call; ``read(connection,
  options)`` lists the resources, lets the SDK's own retry configuration
  absorb throttling, and records every refused or failed call as a
  :class:`ReadGap`. A gap becomes a node of the graph that the rule
  ``custodes-audit-partial-read`` reports: a partial read is never a clean bill.

Live resources get stable URNs of their own (:func:`live_urn`) and carry the
cloud's identifiers (ARNs, ARM ids, self links, key URIs) as ``id`` and
outputs, so :class:`~custodes.model.Graph` resolves references between them
exactly as it does in a stack. With a stack export, :func:`audit_graph` keeps
only the stack's resources (and what they refer to), gives them the stack's
URNs, and adds drift records (:mod:`custodes.sources.live.drift`).

Cloud SDKs are imported inside the fetch functions only: ``custodes check``
never imports one.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from custodes.errors import CustodesError
from custodes.model import Graph, Resource
from custodes.model.audit import READ_GAP
from custodes.records import record

CLOUDS = ("aws", "azure", "gcp")
LIVE_URN_PREFIX = "urn:pulumi:live::"
DEFAULT_MAX_ATTEMPTS = 5


def live_urn(cloud: str, type_token: str, identifier: str) -> str:
    """The stable URN of a live resource: ``urn:pulumi:live::<cloud>::<type>::<identifier>``."""
    return f"{LIVE_URN_PREFIX}{cloud}::{type_token}::{identifier}"


def short_hash(text: str) -> str:
    """A short stable digest, for URNs that must not contain another URN."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class CloudAccessError(CustodesError):
    """A cloud cannot be read at all: no credentials, refused credentials, no scope.

    The message starts with the cloud's name; ``custodes audit`` prints one
    such line per cloud and exits 2.
    """

    def __init__(self, cloud: str, message: str) -> None:
        super().__init__(f"{cloud}: {message}")
        self.cloud = cloud


@record
class LiveOptions:
    """What to read: the scope, the endpoint and the retry budget.

    ``regions`` are AWS regions, Azure locations or GCP regions (empty: the
    SDK's default region for AWS, every location for Azure and GCP).
    ``wanted`` are identifiers a stack declares that a listing does not
    return on its own (custom key stores, crypto keys, vault keys): they are
    read by id. ``retry_initial_delay`` is the backoff factor of the Azure and GCP
    retries (botocore's standard mode keeps its own).
    """

    regions: tuple[str, ...] = ()
    subscription: str | None = None
    project: str | None = None
    endpoint: str | None = None
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    retry_initial_delay: float = 0.8
    wanted: tuple[str, ...] = ()


@record
class ReadGap:
    """One API call the audit could not complete, and what it leaves unjudged.

    ``scope`` is the region, subscription or project; ``api`` the call
    (``kms:GetKeyPolicy``); ``reason`` the error code; ``types`` the resource
    types the gap hides; ``subjects`` the ids the call was about, when it was
    a per-resource read.
    """

    cloud: str
    scope: str
    api: str
    reason: str
    types: tuple[str, ...]
    subjects: tuple[str, ...] = ()

    def resource(self) -> Resource:
        """The gap as a graph node, judged by ``custodes-audit-partial-read``."""
        key = f"{self.scope}/{self.api}/{self.reason}"
        return Resource(
            urn=live_urn(self.cloud, READ_GAP, key),
            type=READ_GAP,
            name=f"{self.api} in {self.scope}",
            props={
                "cloud": self.cloud,
                "scope": self.scope,
                "api": self.api,
                "reason": self.reason,
                "types": sorted(self.types),
                "subjects": sorted(self.subjects),
            },
        )


class GapRecorder:
    """Collects read gaps, merging the per-resource failures of one call."""

    def __init__(self, cloud: str) -> None:
        self.cloud = cloud
        self._gaps: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}

    def add(self, scope: str, api: str, reason: str, types: Iterable[str],
            subject: str | None = None) -> None:
        """Record that ``api`` in ``scope`` failed with ``reason``."""
        found_types, subjects = self._gaps.setdefault((scope, api, reason), (set(), set()))
        found_types.update(types)
        if subject:
            subjects.add(subject)

    def gaps(self) -> list[ReadGap]:
        """Every gap, sorted."""
        return [
            ReadGap(self.cloud, scope, api, reason, tuple(sorted(types)), tuple(sorted(subjects)))
            for (scope, api, reason), (types, subjects) in sorted(self._gaps.items())
        ]


@dataclass
class LiveRead:
    """What one cloud's read produced: resources, and the gaps that make it partial."""

    cloud: str
    scopes: tuple[str, ...]
    resources: list[Resource] = field(default_factory=list)
    gaps: list[ReadGap] = field(default_factory=list)
    regions: tuple[str, ...] = ()  # the location filter of an Azure or GCP read, if any

    @property
    def partial(self) -> bool:
        """True when some call failed: the read does not show everything."""
        return bool(self.gaps)


class CloudModule(Protocol):
    """What each cloud module offers the audit command."""

    READ_TYPES: tuple[str, ...]

    def connect(self, options: LiveOptions) -> Any: ...

    def read(self, connection: Any, options: LiveOptions) -> LiveRead: ...

    def stack_scope(self, graph: Graph) -> tuple[str, ...]: ...

    def covers(self, resource: Resource, read: LiveRead) -> bool: ...


def cloud_module(cloud: str) -> CloudModule:
    """The module that reads ``cloud`` (imported on first use)."""
    if cloud not in CLOUDS:
        raise CustodesError(f"unknown cloud {cloud!r} (choose {', '.join(CLOUDS)})")
    return cast(CloudModule, importlib.import_module(f"custodes.sources.live.{cloud}"))


def wanted_identifiers(graph: Graph, types: Iterable[str]) -> tuple[str, ...]:
    """The physical ids of a stack's resources of ``types`` (read by id by the fetchers)."""
    wanted = set(types)
    return tuple(sorted({r.id for r in graph if r.type in wanted and r.id}))


def audit_graph(reads: Sequence[LiveRead], declared: Graph | None = None) -> Graph:
    """The graph ``custodes audit`` judges.

    Without ``declared`` it is every live resource plus the read gaps. With a
    stack's graph, it is the stack's resources as deployed (under the stack's
    URNs), what they refer to, the read gaps, and one drift record per
    declared resource whose live custody differs or that is gone.
    """
    from custodes.sources.live.drift import drift_records
    from custodes.sources.live.scope import restrict_to_stack

    resources = [resource for read in reads for resource in read.resources]
    gaps = [gap for read in reads for gap in read.gaps]
    if declared is None:
        return Graph([*resources, *(gap.resource() for gap in gaps)])
    read_types = {t for read in reads for t in cloud_module(read.cloud).READ_TYPES}

    def covered(resource: Resource) -> bool:
        # A declared resource outside the regions read can be neither found nor missed.
        return any(cloud_module(read.cloud).covers(resource, read) for read in reads
                   if resource.type in cloud_module(read.cloud).READ_TYPES)

    scoped, matches = restrict_to_stack(resources, declared, read_types)
    live = Graph(scoped)
    records = drift_records(declared, live, matches, covered,
                            {t for gap in gaps for t in gap.types})
    # A gap hiding only types the stack does not use says nothing about the stack.
    used = {r.type for r in declared} | {r.type for r in scoped}
    relevant = [gap.resource() for gap in gaps if used.intersection(gap.types)]
    return Graph([*scoped, *relevant, *records])


def clean(value: Any) -> Any:
    """``value`` without empty strings, lists, mappings and ``None`` (API defaults)."""
    if isinstance(value, Mapping):
        cleaned = {str(k): clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list | tuple):
        items = [clean(item) for item in value]
        return [item for item in items if item not in (None, "", [], {})]
    return value
