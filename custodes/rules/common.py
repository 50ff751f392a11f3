"""Checks that several clouds' rules share, so each rule stays a few lines long."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from custodes.custody import CustodyLevel
from custodes.model import UNKNOWN, Resource, Secret
from custodes.rules.registry import Context, Outcome, Unresolved, Violation


def provider_custody(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A violation for each key of a confidential workload that the provider holds.

    A key whose custody cannot be told is reported as unresolved.
    """
    workload = context.custody.workload(resource.urn)
    if workload is None:
        return
    for key in workload.keys:
        if key.level is CustodyLevel.PROVIDER:
            yield Violation(f"{key.path}: {key.note}")
        elif key.level is None:
            yield Unresolved(f"{key.path}: {key.note}")


def unknown_or(value: Any, message: str) -> Iterator[Outcome]:
    """An unresolved outcome when ``value`` is unknown, nothing otherwise."""
    if value is UNKNOWN:
        yield Unresolved(message)


def unknown_because(what: str, value: Any) -> str:
    """Why ``what`` cannot be judged: unknown, or a secret whose plaintext the document lacks.

    ``value`` is the value as read (a :data:`UNKNOWN` or a ciphertext-only
    :class:`~custodes.model.Secret`, see :func:`~custodes.model.readable`).
    """
    if isinstance(value, Secret):
        return f"{what} is a secret whose value this document does not hold"
    return f"{what} is unknown"


def is_true(value: Any) -> bool:
    """True for ``True`` and the string ``"true"`` (stack exports keep some booleans as text)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def set_path(props: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``props`` with ``value`` at the dotted ``path`` (for remediations)."""
    result = dict(props)
    current = result
    steps = path.split(".")
    for step in steps[:-1]:
        child = current.get(step)
        child = dict(child) if isinstance(child, dict) else {}
        current[step] = child
        current = child
    current[steps[-1]] = value
    return result
