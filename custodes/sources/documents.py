"""JSON documents from the Pulumi CLI: ``pulumi stack export`` and ``pulumi preview --json``.

Both are read with :func:`load_document`, which detects the kind, and turned
into a :class:`~custodes.model.Graph` by the same resource reader. Neither
path imports the Pulumi SDK.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from custodes import jsontext
from custodes.errors import InputError, shown
from custodes.model import Graph, Resource
from custodes.sources.pulumi_json import resource_from_state

SUPPORTED_EXPORT_VERSIONS = (3, 4)
DocumentKind = Literal["preview", "state"]

# Preview steps whose new state is what the stack will hold.
_KEEP_OPS = {
    "same", "create", "update", "replace", "create-replacement", "import",
    "import-replacement", "read", "read-replacement", "refresh",
}
# Steps that remove the resource from the stack. The others (``delete-replaced``,
# ``discard-replaced``, ``remove-pending-replace``) remove the *old* copy of a
# replaced resource: its new state, from the replacement's steps, stays.
_REMOVE_OPS = {"delete", "discard"}


def parse_json(data: bytes, where: str) -> Any:
    """Parse JSON bytes, with one clear error for anything that is not JSON.

    orjson reads well-formed documents (:mod:`custodes.jsontext`); what it
    refuses is read again by the standard library, which accepts ``NaN``,
    replaces lone surrogates and deep nesting, or names the error.
    """
    # isspace() rather than strip(): no copy of an input of hundreds of MB.
    if not data or data.isspace():
        raise InputError(f"{where}: the input is empty")
    body = memoryview(data)[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return jsontext.loads(body)
    except jsontext.DecodeError:
        pass
    finally:
        del body
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{where}: not UTF-8 text (byte {error.start})") from None
    del data  # the bytes need not outlive their text while the document is built
    try:
        try:
            document = json.loads(text)
        except ValueError as error:
            if isinstance(error, json.JSONDecodeError):
                raise
            # An integer longer than Python converts by default (4,300 digits) is still
            # JSON: read it as a float rather than refuse the document.
            document = json.loads(text, parse_int=_parse_int)
        if _ESCAPED_SURROGATE.search(text):
            document = _without_lone_surrogates(document)
        return document
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    except ValueError as error:
        message = getattr(error, "msg", "invalid JSON")
        line = getattr(error, "lineno", None)
        suffix = f" at line {line}" if line else ""
        raise InputError(f"{where}: not valid JSON ({message}{suffix})") from None


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _without_lone_surrogates(document: Any) -> Any:
    """``document`` with every unpaired UTF-16 surrogate (``"\\ud800"``) replaced by U+FFFD.

    JSON may escape half of a surrogate pair on its own; such a string is not
    Unicode text and could not be written to any report.
    """
    def fixed(text: str) -> str:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")

    root = [document]
    work: list[tuple[Any, Any]] = [(root, 0)]
    while work:
        container, key = work.pop()
        value = container[key]
        if isinstance(value, str):
            container[key] = fixed(value)
        elif isinstance(value, list):
            work.extend((value, index) for index in range(len(value)))
        elif isinstance(value, dict):
            for name in list(value):
                item = value.pop(name)
                value[fixed(name)] = item
            work.extend((value, name) for name in value)
    return root[0]


def _parse_int(digits: str) -> int | float:
    return int(digits) if len(digits) <= 4000 else float(digits)


def detect(document: Any, where: str) -> DocumentKind:
    """Whether ``document`` is a preview (``steps``) or a stack export (``deployment``)."""
    if isinstance(document, Mapping):
        preview = "steps" in document
        state = "deployment" in document or "checkpoint" in document
        if preview and state:
            raise InputError(f"{where}: both a preview ('steps') and a stack export "
                             "('deployment'): which one to judge cannot be told")
        if preview:
            return "preview"
        if state:
            return "state"
    raise InputError(
        f"{where}: not a Pulumi preview (`pulumi preview --json`) or stack export "
        "(`pulumi stack export`)"
    )


def state_resources(document: Mapping[str, Any], where: str,
                    decoded: bool = False) -> list[Resource]:
    """The resources of a ``pulumi stack export`` document (version 3 or 4).

    ``decoded``: no value needs decoding (see :func:`resource_from_state`).
    """
    version = document.get("version")
    if version not in SUPPORTED_EXPORT_VERSIONS:
        raise InputError(
            f"{where}: stack export version {shown(version)} is not supported "
            f"(supported: {', '.join(map(str, SUPPORTED_EXPORT_VERSIONS))})"
        )
    deployment = document.get("deployment")
    if deployment is None and isinstance(document.get("checkpoint"), Mapping):
        deployment = document["checkpoint"].get("latest")
    if not isinstance(deployment, Mapping):
        raise InputError(f"{where}: the stack export has no 'deployment' object")
    resources = deployment.get("resources") or []
    if not isinstance(resources, list):
        raise InputError(f"{where}: 'deployment.resources' is not a list")
    # A resource marked `delete` is an old copy awaiting deletion after a replacement
    # (it shares its URN with the new one): the stack no longer holds it.
    judged = [resource_from_state(state, where, decoded) for state in resources
              if not ((type(state) is dict or isinstance(state, Mapping))
                      and state.get("delete") is True)]
    return judged + _pending(deployment, {resource.urn for resource in judged}, where)


def _pending(deployment: Mapping[str, Any], known: set[str], where: str) -> list[Resource]:
    """Resources an interrupted update was creating (``pending_operations``), judged too.

    A ``creating`` or ``importing`` operation holds a resource that may exist in
    the cloud without a state in ``resources``; it is judged from the state the
    operation records. Other operations touch resources already listed.
    """
    operations = deployment.get("pending_operations")
    if operations is None:
        return []
    if not isinstance(operations, list):
        raise InputError(f"{where}: 'deployment.pending_operations' is not a list")
    pending: dict[str, Resource] = {}
    for index, operation in enumerate(operations):
        if not isinstance(operation, Mapping) or not isinstance(operation.get("resource"),
                                                                 Mapping):
            raise InputError(f"{where}: pending operation {index} has no 'resource' object")
        if operation.get("type") not in ("creating", "importing"):
            continue
        resource = resource_from_state(operation["resource"], where)
        if resource.urn not in known:
            pending[resource.urn] = resource
    return list(pending.values())


def preview_resources(document: Mapping[str, Any], where: str,
                      decoded: bool = False) -> list[Resource]:
    """The resources a ``pulumi preview --json`` run says the stack will hold.

    ``decoded``: no value needs decoding (see :func:`resource_from_state`).
    """
    steps = document.get("steps")
    if steps is None:
        raise InputError(f"{where}: 'steps' is null: the preview did not finish")
    if not isinstance(steps, list):
        raise InputError(f"{where}: 'steps' is not a list")
    states: dict[str, Any] = {}
    for index, step in enumerate(steps):
        if not isinstance(step, Mapping):
            raise InputError(f"{where}: step {index} is not a JSON object")
        op = step.get("op", "same")
        if not isinstance(op, str):
            raise InputError(f"{where}: step {index} has no valid 'op'")
        if op not in _KEEP_OPS:
            if op in _REMOVE_OPS:
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
    # Read first: a secret the failure message quotes is then known, and scrubbed.
    resources = [resource_from_state(state, where, decoded) for state in states.values()]
    failure = _error_diagnostic(document.get("diagnostics"))
    if failure is not None:
        raise InputError(f"{where}: the preview is incomplete, it reported an error: "
                         f"{shown(failure, 200)}")
    return resources


def _error_diagnostic(diagnostics: Any) -> str | None:
    """The message of the first diagnostic of severity ``error`` (the program failed half-way)."""
    if not isinstance(diagnostics, list):
        return None
    for diagnostic in diagnostics:
        if isinstance(diagnostic, Mapping) and diagnostic.get("severity") == "error":
            message = diagnostic.get("message")
            return " ".join(message.split()) if isinstance(message, str) and message.strip() \
                else "(no message)"
    return None


def graph_from_document(document: Any, where: str, decoded: bool = False) -> Graph:
    """The graph of a parsed preview or stack export document.

    ``decoded``: no value needs decoding (see :func:`resource_from_state`).
    """
    kind = detect(document, where)
    if kind == "preview":
        return Graph(preview_resources(document, where, decoded))
    return Graph(state_resources(document, where, decoded))
