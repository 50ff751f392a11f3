"""``custodes rules [ID]``: the rule catalogue, one rule a line (or as JSON, or Markdown); one rule in full.

The catalogue shown is every rule a report can name: the graph rules and the
rules that judge waivers (:data:`custodes.waivers.WAIVER_RULES`).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from custodes.commands.output import EXIT_OK, write
from custodes.errors import UsageError

if TYPE_CHECKING:
    from custodes.rules.registry import Rule

LEGEND = (
    "Enforcement is given for the default and the strict profile (--profile): a mandatory "
    "finding fails the run (exit 1);",
    "an advisory one is reported and fails it only with --fail-on advisory. "
    "`custodes rules ID` prints one rule in full.",
)


def add_parser(commands: Any) -> None:
    """Declare ``rules`` and its arguments."""
    parser = commands.add_parser(
        "rules", help="list the rule catalogue, or print one rule in full",
        description="List the rule catalogue; with a rule id, print that rule's rationale, "
                    "remediation and settings.")
    parser.add_argument("rule_id", nargs="?", metavar="ID", help="print this rule in full")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.set_defaults(handler=run)


def all_rules() -> dict[str, Rule]:
    """Every rule a report can name, by id, sorted."""
    from custodes.rules.registry import catalogue
    from custodes.waivers import WAIVER_RULES

    rules = {**catalogue(), **WAIVER_RULES}
    return {rule_id: rules[rule_id] for rule_id in sorted(rules)}


def _as_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "title": rule.title, "severity": rule.severity,
        "enforcement": rule.enforcement, "strict_enforcement": rule.strict_enforcement,
        "cloud": rule.cloud, "scope": rule.scope, "types": list(rule.types),
        # Empty: the rule judges every resource of its types.
        "technologies": sorted(rule.technologies),
        "rationale": rule.rationale, "remediation": rule.remediation,
        "config_schema": rule.config_schema, "remediates": rule.remediate is not None,
    }


def run(arguments: argparse.Namespace) -> int:
    """Print the catalogue, or the rule ``ID`` names."""
    rules = all_rules()
    if arguments.rule_id is not None:
        rule = rules.get(arguments.rule_id)
        if rule is None:
            raise UsageError(f"no rule {arguments.rule_id!r} (`custodes rules` lists them)")
        if arguments.format == "json":
            write(json.dumps(_as_json(rule), indent=2) + "\n", None)
        elif arguments.format == "markdown":
            write("\n".join(_section(rule, level=1)) + "\n", None)
        else:
            write(full_text(rule), None)
        return EXIT_OK
    if arguments.format == "json":
        write(json.dumps([_as_json(rule) for rule in rules.values()], indent=2) + "\n", None)
        return EXIT_OK
    if arguments.format == "markdown":
        write(markdown(), None)
        return EXIT_OK
    lines = [*LEGEND, "", "id\tseverity\tdefault/strict\ttitle"]
    lines += [f"{rule.id}\t{rule.severity}\t{rule.enforcement}/{rule.strict_enforcement}\t"
              f"{rule.title}" for rule in rules.values()]
    write("\n".join(lines) + "\n", None)
    return EXIT_OK


def _settings(rule: Rule) -> list[tuple[str, Any, str]]:
    """(name, default, description) of each setting of ``rule``."""
    return [(name, schema.get("default"), str(schema.get("description", "")))
            for name, schema in sorted(rule.config_properties.items())]


def _types(rule: Rule) -> str:
    if rule.types:
        return ", ".join(rule.types)
    return "any (it is not tied to resource types)"


def _only(rule: Rule) -> str:
    """Which workloads of its types the rule judges, when it confines itself to some."""
    if not rule.technologies:
        return ""
    return (f"Judges only the workloads running {' or '.join(sorted(rule.technologies))}; "
            "any other resource of its types passes.")


def full_text(rule: Rule) -> str:
    """One rule in full, as ``custodes rules ID`` prints it."""
    lines = [
        f"{rule.id}: {rule.title}",
        f"severity {rule.severity}; enforcement {rule.enforcement} (default profile), "
        f"{rule.strict_enforcement} (strict); cloud {rule.cloud}; resource types {_types(rule)}",
        *([_only(rule)] if rule.technologies else []),
        "",
        f"Why: {rule.rationale}",
        "",
        f"Fix: {rule.remediation}",
    ]
    settings = _settings(rule)
    if settings:
        lines += ["", "Settings (--config, as for `pulumi … --policy-pack-config`):"]
        lines += [f"  {name} (default {default!r}){': ' + text if text else ''}"
                  for name, default, text in settings]
    lines += ["", f"More: docs/rules.md#{rule.id}"]
    return "\n".join(lines) + "\n"


def _section(rule: Rule, level: int = 2) -> list[str]:
    types = ", ".join(f"`{t}`" for t in rule.types) if rule.types else _types(rule)
    lines = [f"{'#' * level} {rule.id}", "", f"**{rule.title}** — {rule.severity}; "
             f"resource types: {types}.", "",
             *([f"*{_only(rule)}*", ""] if rule.technologies else []),
             f"*Why:* {rule.rationale}", "", f"*Fix:* {rule.remediation}"]
    settings = _settings(rule)
    if settings:
        lines += ["", "*Settings:* " + "; ".join(
            f"`{name}` (default `{default!r}`)" for name, default, _ in settings)]
    return lines


def markdown() -> str:
    """The catalogue as the Markdown page docs/rules.md (regenerate with ``--format markdown``)."""
    lines = [
        "# Rule catalogue",
        "",
        "Generated by `custodes rules --format markdown`; do not edit by hand.",
        "Enforcement is given for the `default` and the `strict` profile (`--profile`): a",
        "mandatory finding fails the run (exit 1); an advisory one is reported, and fails the",
        "run only with `--fail-on advisory`. `custodes rules ID` prints one rule in full.",
        "",
        "| id | title | severity | default | strict | remediates |",
        "|---|---|---|---|---|---|",
    ]
    rules = list(all_rules().values())
    for rule in rules:
        lines.append(f"| [`{rule.id}`](#{rule.id}) | {rule.title} | {rule.severity} | "
                     f"{rule.enforcement} | {rule.strict_enforcement} | "
                     f"{'yes' if rule.remediate else ''} |")
    for rule in rules:
        lines += ["", *_section(rule)]
    return "\n".join(lines) + "\n"
