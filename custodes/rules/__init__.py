"""The rule catalogue (:func:`catalogue`), one module per cloud plus cross-cloud stack rules."""

from custodes.rules.registry import (
    Context,
    Enforcement,
    Rule,
    Severity,
    Unresolved,
    Violation,
    catalogue,
    rule,
)

__all__ = [
    "Context",
    "Enforcement",
    "Rule",
    "Severity",
    "Unresolved",
    "Violation",
    "catalogue",
    "rule",
]
