"""Reporters: one module per output format, each a function ``render(report) -> str``.

Every reporter renders the same :class:`~custodes.engine.Report`; none
computes anything the engine has not. Secret values never reach a report:
findings carry rule messages, which name resources and paths, not values.
"""

from __future__ import annotations

from collections.abc import Callable

from custodes.engine import Report

Renderer = Callable[[Report], str]


def renderers() -> dict[str, Renderer]:
    """The output formats, by ``--format`` name."""
    from custodes.report import github, html, json_format, junit, markdown, sarif, text

    return {
        "text": text.render,
        "json": json_format.render,
        "sarif": sarif.render,
        "junit": junit.render,
        "markdown": markdown.render,
        "html": html.render,
        "github": github.render,
    }


def render(report: Report, format_name: str) -> str:
    """``report`` in the named format."""
    return renderers()[format_name](report)
