"""Waivers: accepted risks, kept in the repository, each with a reason, an owner and an expiry.

A waivers file (``custodes-waivers.yaml``, schema ``waivers.schema.json``)::

    version: 1
    waivers:
      - rule: custodes-workload-disallow-provider-founder
        resource: "urn:pulumi:prod::payments::aws:ec2/instance:Instance::batch-*"
        reason: Nitro Enclaves accepted for the batch tier until the SNP migration.
        owner: platform-security@example.com
        expires: 2026-06-30

A waiver covers its rule's findings on every resource whose URN matches
``resource`` (a URN, or a glob with ``*``, ``?`` and ``[…]``) up to and
including its expiry day. A waived finding stays in every report, marked, and
no longer fails the run. Two findings come from the file itself, under rules
of their own (:data:`WAIVER_RULES`, not part of the graph rule catalogue, since
they judge the file rather than resources): an expired waiver covers nothing
and is a mandatory finding; a waiver that matches no finding is advisory, so
stale waivers get removed.
"""

from __future__ import annotations

import datetime
import fnmatch
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from custodes.config import read_settings_text
from custodes.engine import Finding, Report
from custodes.errors import InputError, shown
from custodes.model import Resource, SourcePosition
from custodes.positions import display_path
from custodes.rules.registry import Context, Outcome, Rule, catalogue

DEFAULT_FILE = "custodes-waivers.yaml"
WAIVER_TYPE = "custodes:index:Waiver"


def _judged_from_the_file(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Never run over a graph: :func:`apply_waivers` makes these findings from the file."""
    return iter(())


EXPIRED = Rule(
    id="custodes-waiver-disallow-expired",
    title="Waivers are renewed or removed before they expire",
    severity="high",
    enforcement="mandatory",
    strict_enforcement="mandatory",
    rationale="A waiver is a risk someone accepted for a time. Once it expires nobody "
              "owns that risk any more: the findings it covered fail the run again, and "
              "the stale waiver is itself a finding until it is renewed or removed.",
    remediation="Fix the findings the waiver covered and delete it, or have its owner "
                "review the risk and set a new expiry date.",
    types=(),
    scope="stack",
    cloud="any",
    config_properties={},
    check=_judged_from_the_file,
    description="An expired waiver covers nothing and fails the run.",
)
UNMATCHED = Rule(
    id="custodes-waiver-require-match",
    title="Every waiver matches a finding",
    severity="low",
    enforcement="advisory",
    strict_enforcement="advisory",
    rationale="A waiver that matches nothing either outlived the problem it accepted or "
              "names the wrong rule or resource; left in place it would silently waive "
              "the next finding that happens to match it.",
    remediation="Delete the waiver if the finding was fixed, or correct its rule id or "
                "resource pattern.",
    types=(),
    scope="stack",
    cloud="any",
    config_properties={},
    check=_judged_from_the_file,
    description="A waiver that matches no finding is reported.",
)
WAIVER_RULES: dict[str, Rule] = {EXPIRED.id: EXPIRED, UNMATCHED.id: UNMATCHED}


@dataclass(frozen=True, slots=True)
class Waiver:
    """One accepted risk from a waivers file."""

    rule_id: str
    resource: str
    reason: str
    owner: str
    expires: datetime.date
    source: SourcePosition

    def matches(self, finding: Finding) -> bool:
        """Whether this waiver names ``finding``'s rule and resource."""
        return finding.rule_id == self.rule_id and fnmatch.fnmatchcase(finding.urn,
                                                                       self.resource)

    def expired(self, today: datetime.date) -> bool:
        """Whether ``today`` is past the expiry day."""
        return today > self.expires


def schema() -> dict[str, Any]:
    """The JSON Schema of a waivers file."""
    text = resources.files("custodes").joinpath("waivers.schema.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates: ``expires`` stays text, for the schema to judge."""


def _timestamp_as_text(loader: _Loader, node: yaml.Node) -> str:
    # A timestamp tag only ever marks a scalar.
    assert isinstance(node, yaml.ScalarNode)
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _entry_lines(text: str) -> list[int]:
    """The line (1-based) of each entry of ``waivers``, in order."""
    node = yaml.compose(text, Loader=_Loader)
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "waivers" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _location(error: jsonschema.ValidationError) -> str:
    parts: list[str] = []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts) or "the file"


def parse_waivers(text: str, where: str) -> tuple[Waiver, ...]:
    """The waivers of a file's text; :class:`InputError` naming the entry for anything bad."""
    try:
        document = yaml.load(text, Loader=_Loader)  # a SafeLoader: no arbitrary objects
        lines = _entry_lines(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{where}: not valid YAML{at}") from None
    except RecursionError:
        raise InputError(f"{where}: nested too deeply to be a waivers file") from None
    if document is None:
        return ()
    validator = jsonschema.Draft202012Validator(schema())
    invalid = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if invalid is not None:
        location = _location(invalid)
        if location.endswith(".expires"):
            raise InputError(f"{where}: {location}: {shown(invalid.instance)} is not a date "
                             "as YYYY-MM-DD")
        # jsonschema's message quotes the offending value: keep it to one short line.
        message = invalid.message if len(invalid.message) <= 160 else \
            f"{invalid.message[:157]}..."
        raise InputError(f"{where}: {location}: {message}")
    rules = catalogue()
    waivers: list[Waiver] = []
    for index, entry in enumerate(document["waivers"]):
        name = f"waivers[{index}]"
        if entry["rule"] in WAIVER_RULES:
            raise InputError(f"{where}: {name}.rule: {entry['rule']} judges the waivers "
                             "file itself and cannot be waived")
        if entry["rule"] not in rules:
            raise InputError(f"{where}: {name}.rule: unknown rule id {shown(entry['rule'])} "
                             "(see `custodes rules`)")
        try:
            expires = datetime.date.fromisoformat(entry["expires"])
        except ValueError:
            raise InputError(f"{where}: {name}.expires: {shown(entry['expires'])} is not a "
                             "calendar date") from None
        line = lines[index] if index < len(lines) else 1
        waivers.append(Waiver(entry["rule"], entry["resource"].strip(), entry["reason"].strip(),
                              entry["owner"].strip(), expires, SourcePosition(where, line)))
    return tuple(waivers)


def load_waivers(path: str | None, cwd: Path | None = None) -> tuple[Waiver, ...]:
    """The waivers of ``path``; with ``None``, of ``custodes-waivers.yaml`` here if present."""
    here = cwd or Path.cwd()
    if path is None:
        if not (here / DEFAULT_FILE).is_file():
            return ()
        path = DEFAULT_FILE
    file = here / path
    text = read_settings_text(file, "waivers", path)
    return parse_waivers(text, display_path(file, here))


def _waiver_finding(rule: Rule, waiver: Waiver, message: str) -> Finding:
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        severity=rule.severity,
        enforcement=rule.enforcement,
        urn=waiver.resource,
        type=WAIVER_TYPE,
        name=f"waiver of {waiver.rule_id}",
        message=message,
        remediation=rule.remediation,
        source_position=waiver.source,
    )


def apply_waivers(report: Report, waivers: Sequence[Waiver],
                  today: datetime.date | None = None) -> Report:
    """``report`` with waived findings marked and the waivers' own findings added.

    ``today`` decides expiry (default: the real date); the same date gives the
    same report.
    """
    today = today or datetime.date.today()
    active = [index for index, waiver in enumerate(waivers) if not waiver.expired(today)]
    used: set[int] = set()
    findings: list[Finding] = []
    for finding in report.findings:
        matching = [index for index in active if waivers[index].matches(finding)]
        used.update(matching)
        if matching and not finding.waived:
            waiver = waivers[matching[0]]
            finding = replace(finding, waived=True, waiver_reason=waiver.reason, waiver=waiver)
        findings.append(finding)
    for index, waiver in enumerate(waivers):
        if waiver.expired(today):
            findings.append(_waiver_finding(
                EXPIRED, waiver,
                f"expired on {waiver.expires.isoformat()} (owner {waiver.owner}): the "
                f"findings of {waiver.rule_id} it covered fail again"))
        elif index not in used:
            findings.append(_waiver_finding(
                UNMATCHED, waiver,
                f"matches no finding of {waiver.rule_id} (owner {waiver.owner})"))
    return report.with_findings(findings)
