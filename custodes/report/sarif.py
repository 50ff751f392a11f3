"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning.

One ``reportingDescriptor`` per rule (the catalogue and the waiver rules),
one result per finding. A result's ``level`` comes from its enforcement and
severity (mandatory: ``error``; advisory: ``warning`` when high or critical,
else ``note``); ``properties.security-severity`` follows GitHub's bands.
Locations are the resource's declaration, relative to the repository root
(``uriBaseId`` ``%SRCROOT%``, see :mod:`custodes.positions`), plus the URN
as a logical location. ``partialFingerprints`` hash (rule id, URN, message)
— never a line number — so an alert survives code moving around it. A
waived finding carries an ``external`` suppression pointing at its waiver.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from custodes import jsontext
from custodes.config import profile_levels
from custodes.engine import Finding, Report
from custodes.model import SourcePosition
from custodes.rules.registry import Enforcement, Rule, Severity, catalogue
from custodes.waivers import WAIVER_RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT = "custodesFinding/v1"
SECURITY_SEVERITY: dict[Severity, str] = {
    "critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0",
}


def level(enforcement: Enforcement, severity: Severity) -> str:
    """The SARIF level of a finding (or a rule's default) at ``enforcement``."""
    if enforcement == "mandatory":
        return "error"
    if enforcement == "advisory":
        return "warning" if severity in ("high", "critical") else "note"
    return "none"


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", rule_id) if part)


def descriptor(rule: Rule, enforcement: Enforcement,
               docs_url: str | None = None) -> dict[str, Any]:
    """The ``reportingDescriptor`` of one rule; ``helpUri`` its section at ``docs_url``."""
    tags = ["security", "confidential-computing"]
    if rule.cloud != "any":
        tags.append(rule.cloud)
    described: dict[str, Any] = {
        "id": rule.id,
        "name": _pascal(rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {
            "text": f"{rule.rationale}\n\nRemediation: {rule.remediation}",
            "markdown": f"{rule.rationale}\n\n**Remediation.** {rule.remediation}",
        },
        "defaultConfiguration": {
            "enabled": enforcement != "disabled",
            "level": level(enforcement, rule.severity),
        },
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "severity": rule.severity,
            "enforcement": enforcement,
            "precision": "very-high",
            "tags": tags,
        },
    }
    if docs_url:
        described["helpUri"] = f"{docs_url}#{rule.id}"
    return described


def artifact_location(position: SourcePosition) -> dict[str, Any]:
    """An ``artifactLocation``: relative to the repository root, or an absolute file URI."""
    if "://" in position.file:
        return {"uri": position.file}
    if position.file.startswith("/"):
        return {"uri": "file://" + _quoted(position.file)}
    return {"uri": _quoted(position.file), "uriBaseId": SOURCE_ROOT}


@lru_cache(maxsize=1024)
def _quoted(path: str) -> str:
    # A stack's findings point into a few files: each path is quoted once.
    return quote(path)


def physical_location(position: SourcePosition) -> dict[str, Any]:
    """A ``physicalLocation`` at the start of a declaration."""
    region: dict[str, Any] = {"startLine": max(position.line, 1)}
    if position.column > 0:
        region["startColumn"] = position.column
    return {"artifactLocation": artifact_location(position), "region": region}


def fingerprint(finding: Finding) -> str:
    """A hash of what identifies a finding across runs: rule, resource, message."""
    key = "\x00".join((finding.rule_id, finding.urn, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _suppression(finding: Finding) -> dict[str, Any]:
    suppression: dict[str, Any] = {
        "kind": "external",
        "status": "accepted",
        "justification": finding.waiver_reason or "waived",
    }
    waiver = finding.waiver
    if waiver is not None:
        suppression["justification"] = (f"{waiver.reason} (owner {waiver.owner}, expires "
                                         f"{waiver.expires.isoformat()})")
        suppression["location"] = {"physicalLocation": physical_location(waiver.source)}
        suppression["properties"] = {"owner": waiver.owner,
                                     "expires": waiver.expires.isoformat()}
    return suppression


def result(finding: Finding, rule_index: int) -> dict[str, Any]:
    """The SARIF ``result`` of one finding."""
    location: dict[str, Any] = {}
    if finding.source_position is not None:
        location["physicalLocation"] = physical_location(finding.source_position)
    location["logicalLocations"] = [
        {"name": finding.name, "fullyQualifiedName": finding.urn, "kind": "resource"}
    ]
    document: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": level(finding.enforcement, finding.severity),
        "message": {"text": f"{finding.name} ({finding.type}): {finding.message}"},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding)},
        "properties": {
            "enforcement": finding.enforcement,
            "severity": finding.severity,
            "resourceType": finding.type,
            "unresolved": finding.unresolved,
        },
    }
    if finding.waived:
        document["suppressions"] = [_suppression(finding)]
    return document


def document(report: Report) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log with one run."""
    rules = {**catalogue(), **WAIVER_RULES}
    ordered = sorted(rules.values(), key=lambda rule: rule.id)
    levels = {**profile_levels(report.profile, catalogue()),  # type: ignore[arg-type]
              **{rule.id: rule.enforcement for rule in WAIVER_RULES.values()}}
    index = {rule.id: position for position, rule in enumerate(ordered)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "custodes",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": [descriptor(rule, levels[rule.id], report.docs_url) for rule in ordered],
            }},
            "originalUriBaseIds": {SOURCE_ROOT: {"description": {
                "text": "The root of the repository that holds the Pulumi project."}}},
            "columnKind": "unicodeCodePoints",
            "results": [result(finding, index[finding.rule_id]) for finding in report.findings],
            "properties": {"profile": report.profile, "failOn": report.fail_on,
                           "passed": report.passed},
        }],
    }


def render(report: Report) -> str:
    """The report as SARIF JSON text."""
    return render_bytes(report).decode("utf-8")


def render_bytes(report: Report) -> bytes:
    """:func:`render` as the UTF-8 bytes written."""
    return jsontext.dumps_indented_bytes(document(report))
