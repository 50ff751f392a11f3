"""The rule catalogue: every rule with its metadata, registered by id in one place.

A rule is a small pure function of (resource, context) that yields
:class:`Violation` or :class:`Unresolved` items; its metadata — stable
kebab-case id, title, severity, default enforcement, rationale, remediation
and JSON Schema for its configuration — sits in the :func:`rule` decorator
right above it. Rules never parse input formats and never know where a
resource came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field
from functools import cached_property
from typing import Any, Literal

from custodes.custody import CustodyAnalysis, analyse
from custodes.model import Graph, Resource
from custodes.records import record

Severity = Literal["low", "medium", "high", "critical"]
Enforcement = Literal["advisory", "mandatory", "disabled"]
Scope = Literal["resource", "stack"]

# The clouds whose rules live in a module of that name (rule ids start with it).
CLOUDS = ("aws", "azure", "gcp", "oci", "ibm")
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")
ENFORCEMENTS: tuple[Enforcement, ...] = ("advisory", "mandatory", "disabled")


@record
class Violation:
    """What a rule found wrong with a resource."""

    message: str
    resource: Resource | None = None  # another resource the finding belongs to


@record
class Unresolved:
    """A rule could not decide: a value it needs is unknown and the graph cannot pin it."""

    message: str
    resource: Resource | None = None


Outcome = Violation | Unresolved


class Context:
    """What a rule may read besides its resource: the graph, its configuration, custody."""

    def __init__(self, graph: Graph, config: Mapping[str, Any] | None = None) -> None:
        self.graph = graph
        self.config: Mapping[str, Any] = config or {}

    @cached_property
    def custody(self) -> CustodyAnalysis:
        """The custody analysis of the graph, computed once on first use."""
        return analyse(self.graph)

    def with_config(self, config: Mapping[str, Any]) -> Context:
        """The same graph and custody analysis, seen with another rule's configuration."""
        other = Context.__new__(Context)
        other.graph = self.graph
        other.config = config
        if "custody" in self.__dict__:
            other.__dict__["custody"] = self.__dict__["custody"]
        else:
            # Share one analysis between every rule of a run.
            other.__dict__["custody"] = self.custody
        return other


Check = Callable[[Resource, Context], Iterable[Outcome]]
Remediate = Callable[[Mapping[str, Any]], dict[str, Any] | None]
Select = Callable[[Context], Iterable[Resource]]


@record
class Rule:
    """One rule of the catalogue and its metadata."""

    id: str
    title: str
    severity: Severity
    enforcement: Enforcement
    strict_enforcement: Enforcement
    rationale: str
    remediation: str
    types: tuple[str, ...]
    scope: Scope
    cloud: str
    config_properties: Mapping[str, Any]
    check: Check
    remediate: Remediate | None = None
    description: str = field(default="")
    select: Select | None = None
    technologies: frozenset[str] = frozenset()

    def applicable(self, resources: Iterable[Resource], context: Context) -> list[Resource]:
        """Those of ``resources`` this rule calls its check for: with
        :attr:`technologies`, only the workloads of the custody analysis that run one
        of them (any other resource of its types is judged, and passes, without a call)."""
        if not self.technologies:
            return list(resources)
        running = context.custody.running(self.technologies)
        return [resource for resource in resources if resource.urn in running]

    def resources(self, context: Context) -> list[Resource]:
        """The resources this rule judges: those of its types, or those ``select`` picks."""
        if self.select is not None:
            return list(self.select(context))
        return context.graph.of_type(*self.types)

    @property
    def config_schema(self) -> dict[str, Any]:
        """The JSON Schema of this rule's entry in a policy-pack configuration file."""
        return {
            "type": "object",
            "properties": {
                "enforcementLevel": {"enum": [*ENFORCEMENTS, "remediate"]},
                **self.config_properties,
            },
            "additionalProperties": False,
        }

    @property
    def defaults(self) -> dict[str, Any]:
        """The default value of each configuration property."""
        return {
            name: schema["default"]
            for name, schema in self.config_properties.items()
            if isinstance(schema, Mapping) and "default" in schema
        }

    def run(self, resource: Resource, context: Context) -> Iterator[Outcome]:
        """The outcomes of this rule on one resource; none on a type it does not judge.

        The engine only hands a rule its own types, but a caller that does not (a
        policy host handed a resource of another type) must not crash a rule that
        reads its type's shape.
        """
        if self.types and self.select is None and resource.type not in self.types:
            return
        if self.applicable((resource,), context):
            yield from self.check(resource, context)


_CATALOGUE: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    enforcement: Enforcement,
    rationale: str,
    remediation: str,
    types: Iterable[str],
    scope: Scope = "stack",
    strict: Enforcement | None = None,
    config: Mapping[str, Any] | None = None,
    remediate: Remediate | None = None,
    select: Select | None = None,
    technologies: Iterable[str] = (),
) -> Callable[[Check], Check]:
    """Register the decorated check in the catalogue under ``id``.

    ``scope="resource"`` declares that the check reads nothing but the resource
    itself (the CrossGuard pack runs it as a resource policy); ``"stack"``
    rules read the graph or the custody analysis. ``strict`` is the enforcement
    in the ``strict`` profile (default: the same as ``enforcement``). ``select``
    picks the resources a rule judges when no list of types can say it (a rule
    over every resource the no-silent-pass net caught, whatever its type).
    ``technologies`` confines the rule to the workloads that run one of these TEE
    technologies (``"nitro-enclaves"``), as the custody analysis tells them: the
    check is called for those alone, and every other resource of its types is
    judged and passes.
    """

    def register(check: Check) -> Check:
        if id in _CATALOGUE:
            raise ValueError(f"rule id {id} is registered twice")
        module = check.__module__.rsplit(".", 1)[-1]
        _CATALOGUE[id] = Rule(
            id=id,
            title=title,
            severity=severity,
            enforcement=enforcement,
            strict_enforcement=strict or enforcement,
            rationale=" ".join(rationale.split()),
            remediation=" ".join(remediation.split()),
            types=tuple(types),
            scope=scope,
            cloud=module if module in CLOUDS else "any",
            config_properties=dict(config or {}),
            check=check,
            remediate=remediate,
            select=select,
            technologies=frozenset(technologies),
            description=" ".join((check.__doc__ or title).split()),
        )
        return check

    return register


def catalogue() -> dict[str, Rule]:
    """Every registered rule, by id, sorted by id."""
    # Importing the rule modules registers their rules, once.
    from custodes.rules import (  # noqa: F401
        audit,
        aws,
        azure,
        gcp,
        ibm,
        measurements,
        oci,
        stack,
    )

    return dict(sorted(_CATALOGUE.items()))
