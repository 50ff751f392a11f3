"""Reporters: one module per output format, each a function ``render(report) -> str``
(and, where the text is large, ``render_bytes(report) -> bytes``: the same text as UTF-8).

Every reporter renders the same :class:`~custodes.engine.Report`; none
computes anything the engine has not. Secret values never reach a report:
findings carry rule messages, which name resources and paths, not values.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from custodes.engine import Report

Renderer = Callable[[Report], str]

# ``--format`` name → the module that renders it (imported when that format is asked for:
# the JSON report never imports rich).
MODULES = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown",
    "html": "html",
    "github": "github",
}


def renderer(format_name: str) -> Renderer:
    """The render function of one output format (``KeyError`` for an unknown name)."""
    module = importlib.import_module(f"custodes.report.{MODULES[format_name]}")
    function: Renderer = module.render
    return function


def renderers() -> dict[str, Renderer]:
    """The output formats, by ``--format`` name."""
    return {name: renderer(name) for name in MODULES}


def render(report: Report, format_name: str) -> str:
    """``report`` in the named format."""
    return renderer(format_name)(report)


def render_bytes(report: Report, format_name: str) -> bytes:
    """``report`` in the named format as UTF-8 bytes, what is written (``KeyError`` for an
    unknown name): the module's ``render_bytes`` where it has one, else its text encoded."""
    module = importlib.import_module(f"custodes.report.{MODULES[format_name]}")
    encoded: Callable[[Report], bytes] | None = getattr(module, "render_bytes", None)
    if encoded is not None:
        return encoded(report)
    return renderer(format_name)(report).encode("utf-8")
