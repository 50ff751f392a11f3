"""Custody analysis: who holds each key of each confidential workload.

For every confidential workload of a stack (a SEV-SNP or enclave-enabled EC2
instance, an Azure confidential VM, a GCP confidential instance …) the cloud
modules derive the TEE technology and its founder, every key protecting the
workload with its custody level, whether that key is released only to an
attested TEE, and who verifies the attestation. The stack's responsibility
matrix is computed from the same analysis (:mod:`custodes.custody.responsibility`).

The analysis runs once per graph; rules read it through :func:`analyse`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from types import ModuleType
from typing import Literal

from custodes.model import Graph, Resource
from custodes.records import record

Party = Literal["provider", "founder", "customer"]
Verifier = Literal["provider", "customer", "unassigned"]


class CustodyLevel(IntEnum):
    """Who can produce a key, weakest first (see the facts reference)."""

    PROVIDER = 1
    CUSTOMER_KMS = 2
    CUSTOMER_HSM = 3
    CUSTOMER_EXTERNAL = 4

    @property
    def label(self) -> str:
        """The kebab-case name used in reports and configuration."""
        return _LABELS[self]

    @classmethod
    def parse(cls, label: str) -> CustodyLevel:
        """The level for a label such as ``customer-hsm`` (or ``CUSTOMER_HSM``)."""
        level = _BY_LABEL.get(label)
        return level if level is not None else cls[label.upper().replace("-", "_")]


# Each level's label, spelled once (every key of every report asks for it), and back.
_LABELS = {level: level.name.lower().replace("_", "-") for level in CustodyLevel}
_BY_LABEL = {label: level for level, label in _LABELS.items()}
CUSTODY_LABELS = tuple(level.label for level in CustodyLevel)


@record
class KeyCustody:
    """One key protecting a workload, as far as the stack tells.

    ``level`` is ``None`` when it cannot be told (an unknown value the graph
    could not resolve, or a key outside the stack). ``attestation_bound`` is
    ``None`` when unknown; ``note`` says in words why the level is what it is.
    """

    path: str
    level: CustodyLevel | None
    note: str
    key: Resource | None = None
    attestation_bound: bool | None = False

    @property
    def label(self) -> str:
        """The custody label, or ``unresolved``."""
        return self.level.label if self.level is not None else "unresolved"


@record
class Workload:
    """A confidential workload and the custody of everything that protects it."""

    resource: Resource
    cloud: str
    provider: str
    technologies: tuple[str, ...]
    founders: tuple[str, ...]
    keys: tuple[KeyCustody, ...] = ()
    attestation_policy: Verifier = "unassigned"
    attestation_verifier: Verifier = "unassigned"
    notes: tuple[str, ...] = field(default=())
    # False for a resource no cloud module models, caught by the no-silent-pass net
    # (custodes.custody.shapes): its keys are unresolved because nobody looked.
    modelled: bool = True
    # True when the release policy of the workload's keys carries a TCB floor the
    # customer holds (Azure SKR azure-compliant-cvm, Confidential Space STABLE/LATEST).
    tcb_floor: bool = False

    @property
    def founder_is_provider(self) -> bool:
        """True when the silicon vendor is the cloud provider itself (AWS Nitro)."""
        return self.provider in self.founders

    @property
    def weakest_custody(self) -> CustodyLevel | None:
        """The weakest known custody level among the workload's keys."""
        levels = [key.level for key in self.keys if key.level is not None]
        return min(levels) if levels else None


WorkloadFinder = Callable[[Graph], Iterable[Workload]]


@dataclass(frozen=True)
class CustodyAnalysis:
    """The workloads of one stack, by URN."""

    workloads: tuple[Workload, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_urn", {w.resource.urn: w for w in self.workloads})
        object.__setattr__(self, "_running", {})

    def workload(self, urn: str) -> Workload | None:
        """The workload whose resource has this URN, or ``None``."""
        by_urn: dict[str, Workload] = self._by_urn  # type: ignore[attr-defined]
        return by_urn.get(urn)

    def running(self, technologies: frozenset[str]) -> frozenset[str]:
        """The URNs of the workloads that run any of ``technologies`` (computed once per set)."""
        known: dict[frozenset[str], frozenset[str]] = self._running  # type: ignore[attr-defined]
        urns = known.get(technologies)
        if urns is None:
            urns = known[technologies] = frozenset(
                workload.resource.urn for workload in self.workloads
                if not technologies.isdisjoint(workload.technologies))
        return urns

    def __iter__(self) -> Iterator[Workload]:
        return iter(self.workloads)


CLOUD_MODULES = ("aws", "azure", "gcp", "oci", "ibm")
"""The cloud modules of :mod:`custodes.custody`, each with its table of shapes."""


def clouds() -> tuple[ModuleType, ...]:
    """The cloud custody modules, in :data:`CLOUD_MODULES` order (imported on first use)."""
    return tuple(importlib.import_module(f"custodes.custody.{name}") for name in CLOUD_MODULES)


@cache
def modelled_types() -> frozenset[str]:
    """Every type token some cloud module models (its shapes and the resources it reads)."""
    return frozenset(token for module in clouds() for token in module.MODELLED_TYPES)


@cache
def out_of_scope() -> dict[str, str]:
    """Type token → why a type with a confidential-looking input is deliberately not modelled."""
    return {token: reason for module in clouds() for token, reason in module.OUT_OF_SCOPE.items()}


def analyse(graph: Graph) -> CustodyAnalysis:
    """Derive every confidential workload of ``graph``: each cloud module in turn, then
    the no-silent-pass net over the resources no module models."""
    from custodes.custody.shapes import unmodelled_workloads

    workloads: list[Workload] = []
    for module in clouds():
        workloads.extend(module.workloads(graph))
    workloads.extend(unmodelled_workloads(graph, modelled_types() | out_of_scope().keys()))
    workloads.sort(key=lambda workload: workload.resource.urn)
    return CustodyAnalysis(tuple(workloads))


def weakest(levels: Iterable[CustodyLevel | None]) -> CustodyLevel | None:
    """The weakest of several candidate levels; ``None`` if any is unknown."""
    collected = list(levels)
    if not collected or any(level is None for level in collected):
        return None
    return min(level for level in collected if level is not None)
