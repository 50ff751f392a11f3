"""Serve custodes' components to every Pulumi language as the plugin package ``custodes``.

Pulumi's component host (:func:`pulumi.provider.experimental.component_provider_host`)
infers a package schema from the components' ``args`` and output annotations,
but puts every component in the ``index`` module and needs class names unique
across the package. custodes has ``aws.ConfidentialInstance`` and
``gcp.ConfidentialInstance``, typed ``custodes:aws:ConfidentialInstance`` and
``custodes:gcp:ConfidentialInstance``, so :class:`ModularComponentProvider`
runs one of the host's :class:`ComponentProvider` per cloud module and merges
their schemas under the module names: a TypeScript program then writes
``new custodes.aws.ConfidentialInstance(…)`` and gets the same resource type as
a Python program.

Building the provider and serving it are kept apart: :func:`build_provider`
returns the provider, :func:`serve` runs the gRPC server that
``provider/__main__.py`` starts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult, Provider

import custodes

PACKAGE = "custodes"
_INDEX = "index"


def component_modules() -> dict[str, list[type[pulumi.ComponentResource]]]:
    """The components custodes publishes, by schema module."""
    from custodes import aws, azure, gcp

    return {
        "aws": [aws.ConfidentialInstance, aws.NitroEnclaveHost, aws.CustomerKey,
                aws.EnclaveKey],
        "azure": [azure.ConfidentialVM, azure.SgxEnclaveVM],
        "gcp": [gcp.ConfidentialInstance, gcp.ConfidentialSpaceWorkload],
    }


def _retoken(value: Any, index_prefix: str, module_prefix: str) -> Any:
    """``value`` with every type reference moved from the index module to the cloud's."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                item = item.replace(f"#/types/{index_prefix}", f"#/types/{module_prefix}")
            else:
                item = _retoken(item, index_prefix, module_prefix)
            result[key] = item
        return result
    if isinstance(value, list):
        return [_retoken(item, index_prefix, module_prefix) for item in value]
    return value


def merge_schemas(package: str, schemas: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One package schema from per-module schemas whose tokens all say ``index``."""
    merged: dict[str, Any] = {}
    resources: dict[str, Any] = {}
    types: dict[str, Any] = {}
    dependencies: list[Any] = []
    for module, schema in schemas.items():
        index_prefix, module_prefix = f"{package}:{_INDEX}:", f"{package}:{module}:"
        moved = _retoken(dict(schema), index_prefix, module_prefix)
        for token, spec in (moved.get("resources") or {}).items():
            resources[token.replace(index_prefix, module_prefix, 1)] = spec
        for token, spec in (moved.get("types") or {}).items():
            types[token.replace(index_prefix, module_prefix, 1)] = spec
        for dependency in moved.get("dependencies") or ():
            if dependency not in dependencies:
                dependencies.append(dependency)
        if not merged:
            merged = {key: value for key, value in moved.items()
                      if key not in ("resources", "types", "dependencies")}
    merged["resources"] = dict(sorted(resources.items()))
    merged["types"] = dict(sorted(types.items()))
    if dependencies:
        merged["dependencies"] = dependencies
    return merged


class ModularComponentProvider(Provider):
    """A component provider whose components live in schema modules (``custodes:aws:…``)."""

    def __init__(
        self,
        modules: Mapping[str, Sequence[type[pulumi.ComponentResource]]],
        package: str = PACKAGE,
        version: str = custodes.__version__,
    ) -> None:
        self._package = package
        self._providers = {
            module: ComponentProvider(list(components), package, version=version)
            for module, components in modules.items()
        }
        schema = merge_schemas(package, {
            module: json.loads(provider.schema or "{}")
            for module, provider in self._providers.items()
        })
        super().__init__(version, json.dumps(schema))

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        parts = resource_type.split(":")
        if len(parts) != 3 or parts[0] != self._package or parts[1] not in self._providers:
            raise ValueError(f"{resource_type} is not a component of {self._package} "
                             f"(modules: {', '.join(sorted(self._providers))})")
        provider = self._providers[parts[1]]
        return provider.construct(name, f"{self._package}:{_INDEX}:{parts[2]}", inputs, options)


def build_provider() -> ModularComponentProvider:
    """The provider that hosts every custodes component."""
    return ModularComponentProvider(component_modules())


def serve(args: Sequence[str]) -> None:
    """Serve the provider over gRPC until the engine stops it (blocks)."""
    from pulumi.provider import main

    main(build_provider(), list(args))
