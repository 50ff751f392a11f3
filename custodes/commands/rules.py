"""``custodes rules``: the rule catalogue, one rule a line (or as JSON)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from custodes.commands.output import EXIT_OK, write


def add_parser(commands: Any) -> None:
    """Declare ``rules`` and its arguments."""
    parser = commands.add_parser("rules", help="list the rule catalogue")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    """Print the catalogue."""
    from custodes.rules.registry import catalogue

    rules = catalogue().values()
    if arguments.format == "json":
        document = [
            {
                "id": rule.id, "title": rule.title, "severity": rule.severity,
                "enforcement": rule.enforcement, "strict_enforcement": rule.strict_enforcement,
                "cloud": rule.cloud, "scope": rule.scope, "types": list(rule.types),
                "rationale": rule.rationale, "remediation": rule.remediation,
                "config_schema": rule.config_schema, "remediates": rule.remediate is not None,
            }
            for rule in rules
        ]
        write(json.dumps(document, indent=2) + "\n", None)
        return EXIT_OK
    lines = [f"{rule.id}\t{rule.severity}\t{rule.enforcement}/{rule.strict_enforcement}\t"
             f"{rule.title}" for rule in rules]
    write("\n".join(lines) + "\n", None)
    return EXIT_OK
