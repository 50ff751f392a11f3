"""A live read narrowed to one stack.

A live resource belongs to the stack when one of its identifiers (id, ARN,
self link, key URI) names a resource of the stack's export of the same type.
It then takes the stack's URN and name, so findings, waivers and drift speak
of the resource the user declared. What those resources refer to (the key a
volume uses, the role an instance profile holds …) stays in the graph, under
its live URN, so custody is judged on what is really deployed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from custodes.custody import aws as aws_facts
from custodes.model import Graph, Resource, Secret

# Outputs of live resources that identify them (a subset of what Graph indexes).
_IDENTIFYING_OUTPUTS = ("arn", "selfLink", "keyUri", "id", "keyId")
# Resources that only attach to another one and are pulled in with it.
_SATELLITES = (aws_facts.IAM_ROLE_POLICY_ATTACHMENT,)


def identifiers(resource: Resource) -> Iterator[str]:
    """The identifiers a live resource answers to, most specific first."""
    outputs = resource.outputs if isinstance(resource.outputs, Mapping) else {}
    for name in _IDENTIFYING_OUTPUTS:
        value = outputs.get(name)
        if isinstance(value, str) and value:
            yield value
    if resource.id:
        yield resource.id


def match(live: Iterable[Resource], declared: Graph, types: Iterable[str]) -> dict[str, Resource]:
    """Declared URN → the live resource that is it (same type, same physical identifier)."""
    wanted = set(types)
    matches: dict[str, Resource] = {}
    for resource in sorted(live, key=lambda r: r.urn):
        if resource.type not in wanted:
            continue
        for identifier in identifiers(resource):
            found = [d for d in declared.find(identifier, (resource.type,))
                     if d.urn not in matches]
            if found:
                matches[found[0].urn] = resource
                break
    return matches


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, Secret):
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _referenced(resource: Resource, graph: Graph) -> Iterator[str]:
    for text in _strings(resource.props):
        for found in graph.find(text):
            yield found.urn
    yield from resource.dependencies


def closure(graph: Graph, seeds: Iterable[str]) -> set[str]:
    """The URNs of ``seeds`` and of everything they refer to, transitively."""
    scope = set(seeds)
    pending = list(scope)
    satellites = graph.of_type(*_SATELLITES)
    while pending:
        resource = graph.get(pending.pop())
        if resource is None:
            continue
        for urn in _referenced(resource, graph):
            if urn not in scope and urn in graph:
                scope.add(urn)
                pending.append(urn)
        for satellite in satellites:
            if satellite.urn not in scope and resource.urn in satellite.dependencies:
                scope.add(satellite.urn)
                pending.append(satellite.urn)
    return scope


def restrict_to_stack(
    live: Iterable[Resource], declared: Graph, types: Iterable[str]
) -> tuple[list[Resource], dict[str, Resource]]:
    """The live resources of the stack (under its URNs) and what they refer to.

    Returns the resources and, for every declared resource found live, the
    live resource that is it.
    """
    resources = list(live)
    graph = Graph(resources)
    matches = match(resources, declared, types)
    renamed = {found.urn: urn for urn, found in matches.items()}
    keep = closure(graph, renamed)
    scoped: list[Resource] = []
    by_declared: dict[str, Resource] = {}
    for resource in resources:
        if resource.urn not in keep:
            continue
        adopted = renamed.get(resource.urn)
        dependencies = tuple(renamed.get(d, d) for d in resource.dependencies)
        if adopted is None:
            scoped.append(replace(resource, dependencies=dependencies))
            continue
        source = declared.get(adopted)
        changed = replace(resource, urn=adopted, name=source.name if source else resource.name,
                          dependencies=dependencies,
                          source_position=source.source_position if source else None)
        scoped.append(changed)
        by_declared[adopted] = changed
    return scoped, by_declared
