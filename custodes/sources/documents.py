"""JSON documents from the Pulumi CLI: ``pulumi stack export`` and ``pulumi preview --json``.

Both are read with :func:`load_document`, which detects the kind, and turned
into a :class:`~custodes.model.Graph` by the same resource reader. Neither
path imports the Pulumi SDK.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from custodes.errors import InputError
from custodes.model import Graph, Resource
from custodes.sources.pulumi_json import resource_from_state

SUPPORTED_EXPORT_VERSIONS = (3, 4)
DocumentKind = Literal["preview", "state"]

# Preview steps whose new state is what the stack will hold; the others remove resources.
_KEEP_OPS = {
    "same", "create", "update", "replace", "create-replacement", "import",
    "import-replacement", "read", "read-replacement", "refresh",
}


def parse_json(data: bytes, where: str) -> Any:
    """Parse JSON bytes, with one clear error for anything that is not JSON."""
    if not data.strip():
        raise InputError(f"{where}: the input is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{where}: not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    except ValueError as error:
        message = getattr(error, "msg", "invalid JSON")
        line = getattr(error, "lineno", None)
        suffix = f" at line {line}" if line else ""
        raise InputError(f"{where}: not valid JSON ({message}{suffix})") from None


def detect(document: Any, where: str) -> DocumentKind:
    """Whether ``document`` is a preview (``steps``) or a stack export (``deployment``)."""
    if isinstance(document, Mapping):
        if "steps" in document:
            return "preview"
        if "deployment" in document or "checkpoint" in document:
            return "state"
    raise InputError(
        f"{where}: not a Pulumi preview (`pulumi preview --json`) or stack export "
        "(`pulumi stack export`)"
    )


def state_resources(document: Mapping[str, Any], where: str) -> list[Resource]:
    """The resources of a ``pulumi stack export`` document (version 3 or 4)."""
    version = document.get("version")
    if version not in SUPPORTED_EXPORT_VERSIONS:
        raise InputError(
            f"{where}: stack export version {version!r} is not supported "
            f"(supported: {', '.join(map(str, SUPPORTED_EXPORT_VERSIONS))})"
        )
    deployment = document.get("deployment")
    if deployment is None and "checkpoint" in document:
        deployment = (document.get("checkpoint") or {}).get("latest")
    if not isinstance(deployment, Mapping):
        raise InputError(f"{where}: the stack export has no 'deployment' object")
    resources = deployment.get("resources") or []
    if not isinstance(resources, list):
        raise InputError(f"{where}: 'deployment.resources' is not a list")
    return [resource_from_state(state, where) for state in resources]


def preview_resources(document: Mapping[str, Any], where: str) -> list[Resource]:
    """The resources a ``pulumi preview --json`` run says the stack will hold."""
    steps = document.get("steps")
    if steps is None:
        steps = []
    if not isinstance(steps, list):
        raise InputError(f"{where}: 'steps' is not a list")
    states: dict[str, Any] = {}
    for index, step in enumerate(steps):
        if not isinstance(step, Mapping):
            raise InputError(f"{where}: step {index} is not a JSON object")
        op = step.get("op", "same")
        if op not in _KEEP_OPS:
            states.pop(str(step.get("urn")), None)
            continue
        state = step.get("newState")
        if state is None:
            continue
        if isinstance(state, Mapping) and "urn" not in state and isinstance(step.get("urn"), str):
            state = {**state, "urn": step["urn"]}
        # A replacement appears as several steps of one URN: the last state wins.
        urn = state.get("urn") if isinstance(state, Mapping) else None
        states[str(urn) if urn is not None else f"#{index}"] = state
    return [resource_from_state(state, where) for state in states.values()]


def graph_from_document(document: Any, where: str) -> Graph:
    """The graph of a parsed preview or stack export document."""
    kind = detect(document, where)
    if kind == "preview":
        return Graph(preview_resources(document, where))
    return Graph(state_resources(document, where))
