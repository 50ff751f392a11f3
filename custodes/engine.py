"""The engine: run the rule catalogue over a graph and collect a :class:`Report`.

``evaluate(graph, settings)`` is the one place where rules meet resources.
Findings come out sorted by (URN, rule id, message), so the same input gives
the same report, byte for byte, in every format.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol

import custodes
from custodes.config import Settings
from custodes.custody import CustodyAnalysis, Workload
from custodes.custody.responsibility import Holder, holders, matrix, workload_summary
from custodes.errors import CustodesError
from custodes.model import Graph, Resource, SourcePosition, UnknownValueError
from custodes.records import record
from custodes.redaction import MAX_MESSAGE, shown
from custodes.rules.registry import (
    Context,
    Enforcement,
    Rule,
    Severity,
    Unresolved,
    catalogue,
)


class Acceptance(Protocol):
    """What a report shows of the accepted risk that covers a finding.

    Waivers are applied after the engine (:mod:`custodes.waivers`, whose
    ``Waiver`` is one); the engine only carries them on its findings.
    """

    @property
    def reason(self) -> str:
        """Why the risk was accepted."""

    @property
    def owner(self) -> str:
        """Who accepted it (empty for a waiver in the program's own comment)."""

    @property
    def expires(self) -> datetime.date:
        """The last day it holds."""

    @property
    def source(self) -> SourcePosition:
        """Where it is written."""


@record
class Finding:
    """One rule's verdict on one resource."""

    rule_id: str
    title: str
    severity: Severity
    enforcement: Enforcement
    urn: str
    type: str
    name: str
    message: str
    remediation: str
    unresolved: bool = False
    waived: bool = False
    waiver_reason: str | None = None
    source_position: SourcePosition | None = None
    waiver: Acceptance | None = None  # the waiver that covers this finding (custodes.waivers)

    @property
    def sort_key(self) -> tuple[str, str, str]:
        """(URN, rule id, message): the order of every report."""
        return (self.urn, self.rule_id, self.message)

    @property
    def blocking(self) -> bool:
        """A mandatory finding that no waiver covers."""
        return self.enforcement == "mandatory" and not self.waived


@dataclass(frozen=True)
class Report:
    """Everything one run found: findings, workloads and the responsibility matrix."""

    findings: tuple[Finding, ...]
    resources: int
    profile: str
    custody: CustodyAnalysis
    tool_version: str = custodes.__version__
    # The lowest enforcement that fails the run (``--fail-on``).
    fail_on: Enforcement = "mandatory"
    # Where docs/rules.md is served (``--docs-url``): reports link each rule id there.
    docs_url: str | None = None
    # Each rule the engine ran, in id order, with the URNs it judged (sorted, each once),
    # with or without a finding. Rules of the same types share one tuple of URNs.
    judged: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    @property
    def checks(self) -> list[tuple[str, str]]:
        """Every (rule id, URN) the engine judged, with or without a finding, sorted."""
        return [(rule_id, urn) for rule_id, urns in self.judged for urn in urns]

    @property
    def responsibility(self) -> list[dict[str, Any]]:
        """The stack's responsibility matrix (see :mod:`custodes.custody.responsibility`)."""
        return matrix(self.custody, self.duties)

    @property
    def workloads(self) -> list[dict[str, Any]]:
        """Each confidential workload's custody picture."""
        return [workload_summary(workload, duties)
                for workload, duties in zip(self.custody, self.duties, strict=True)]

    @cached_property
    def duties(self) -> list[dict[str, Holder]]:
        """Who holds each duty, per workload in custody order: the matrix and the
        workloads' pictures read the same answers."""
        return [holders(workload) for workload in self.custody]

    @property
    def summary(self) -> dict[str, int]:
        """Counts for the report's summary line."""
        return {
            "resources": self.resources,
            "mandatory": sum(1 for f in self.findings if f.blocking),
            "advisory": sum(1 for f in self.findings
                            if f.enforcement == "advisory" and not f.waived),
            "waived": sum(1 for f in self.findings if f.waived),
            "unresolved": sum(1 for f in self.findings if f.unresolved),
        }

    @property
    def passed(self) -> bool:
        """True when no finding fails the run (see :meth:`fails`)."""
        return not any(self.fails(finding) for finding in self.findings)

    def fails(self, finding: Finding) -> bool:
        """Whether ``finding`` fails the run: unwaived, at or above :attr:`fail_on`."""
        if finding.waived or finding.enforcement == "disabled":
            return False
        return finding.enforcement == "mandatory" or self.fail_on == "advisory"

    @property
    def by_resource(self) -> list[tuple[str, tuple[Finding, ...]]]:
        """The findings grouped by resource URN, in report order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.urn, []).append(finding)
        return [(urn, tuple(findings)) for urn, findings in groups.items()]

    def with_findings(self, findings: Iterable[Finding]) -> Report:
        """The same report with other findings (sorted again)."""
        return replace(self, findings=tuple(sorted(findings, key=lambda f: f.sort_key)))


def finding_message(message: str, unresolved: bool = False) -> str:
    """A rule's message as every report shows it: scrubbed of secrets, then bounded."""
    text = f"unresolved: {message}" if unresolved else message
    return shown(text, MAX_MESSAGE, bare=True)


def _finding(rule: Rule, level: Enforcement, resource: Resource, message: str,
             unresolved: bool) -> Finding:
    # Positional, in Finding's field order: a finding per violation, and matching eleven
    # keywords would cost about what building the record does.
    return Finding(rule.id, rule.title, rule.severity, level, resource.urn, resource.type,
                   resource.name, finding_message(message, unresolved), rule.remediation,
                   unresolved, False, None, resource.source_position)


def run_rule(rule: Rule, resource: Resource, context: Context) -> list[tuple[Resource, str, bool]]:
    """The (resource, message, unresolved) outcomes of one rule on one resource.

    A rule that trips over an unknown value reports "unresolved" rather than
    passing; any other failure is an error naming the rule and the resource.
    """
    return [(target, message, unresolved)
            for _, target, message, unresolved in run_rule_over(rule, (resource,), context)]


def run_rule_over(rule: Rule, resources: Iterable[Resource], context: Context) -> Iterator[
    tuple[Resource, Resource, str, bool]
]:
    """:func:`run_rule` on each of ``resources`` in turn, as (judged resource, target
    resource, message, unresolved): one loop where a stack's resources meet a rule."""
    check = rule.check  # Rule.run, one generator less
    for resource in rule.applicable(resources, context):
        try:
            outcomes = list(check(resource, context))
        except UnknownValueError:
            yield resource, resource, "a value this rule needs is unknown", True
            continue
        except Exception as error:  # reported as one line naming the rule, never a traceback
            raise CustodesError(
                f"rule {rule.id} failed on {resource.urn}: {type(error).__name__}"
            ) from error
        for outcome in outcomes:
            yield (resource, outcome.resource or resource, outcome.message,
                   isinstance(outcome, Unresolved))


def evaluate(graph: Graph, settings: Settings | None = None,
             on_rule: Callable[[Rule], None] | None = None) -> Report:
    """Run every enabled rule of the catalogue over ``graph``.

    ``on_rule`` is called after each rule of the catalogue (a progress bar).
    """
    settings = settings or Settings()
    context = Context(graph)
    findings: dict[tuple[str, str, str], Finding] = {}
    judged: list[tuple[str, tuple[str, ...]]] = []
    # The URNs each rule judged, sorted and each once: computed once per type list,
    # which many rules share.
    judged_by_types: dict[tuple[str, ...], tuple[str, ...]] = {}
    for rule in catalogue().values():  # in rule id order
        level = settings.level(rule)
        if level == "disabled":
            if on_rule is not None:
                on_rule(rule)
            continue
        unresolved_level = settings.unresolved_enforcement if level == "mandatory" \
            else "advisory"
        rule_context = context.with_config(settings.config(rule))
        resources = rule.resources(rule_context)
        for _, target, message, unresolved in run_rule_over(rule, resources, rule_context):
            finding = _finding(rule, unresolved_level if unresolved else level, target,
                               message, unresolved)
            findings.setdefault(finding.sort_key, finding)
        # Rules come in id order: the (rule id, URN) pairs are sorted as they are listed.
        if rule.select is None:
            urns = judged_by_types.get(rule.types)
            if urns is None:
                urns = judged_by_types[rule.types] = _sorted_urns(resources)
        else:
            urns = _sorted_urns(resources)
        judged.append((rule.id, urns))
        if on_rule is not None:
            on_rule(rule)
    # Keys are unique: the pairs sort by sort key alone.
    ordered = tuple(finding for _, finding in sorted(findings.items()))
    return Report(ordered, len(graph), settings.profile, context.custody, judged=tuple(judged))


def _sorted_urns(resources: Iterable[Resource]) -> tuple[str, ...]:
    # Each once, kept in the graph's order (URN order per type): sorting such runs is a
    # merge, where sorting a set's order would compare long URN prefixes n log n times.
    return tuple(sorted(dict.fromkeys(resource.urn for resource in resources)))


def _merged_judged(each: Iterable[tuple[tuple[str, tuple[str, ...]], ...]]
                   ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The rules several runs ran, each with the URNs any of them judged (sorted, once)."""
    urns: dict[str, set[str]] = {}
    for judged in each:
        for rule_id, judged_urns in judged:
            urns.setdefault(rule_id, set()).update(judged_urns)
    return tuple((rule_id, tuple(sorted(urns[rule_id]))) for rule_id in sorted(urns))


def combine(reports: Iterable[Report]) -> Report:
    """One report of several inputs (stacks): what each found, together, in report order.

    Findings, workloads and checks are merged and sorted as :func:`evaluate`
    sorts them, resource counts add up, and a finding or workload two inputs
    share (two exports of one stack) is reported once. Given the reports in input
    order, the result does not depend on how, or in what order, they were
    computed.
    """
    collected = list(reports)
    if not collected:
        raise ValueError("combine needs at least one report")
    if len(collected) == 1:
        return collected[0]
    findings: dict[tuple[str, str, str], Finding] = {}
    for report in collected:
        for finding in report.findings:
            findings.setdefault(finding.sort_key, finding)
    workloads: dict[str, Workload] = {}
    for report in collected:
        for workload in report.custody:
            workloads.setdefault(workload.resource.urn, workload)
    return replace(
        collected[0],
        findings=tuple(sorted(findings.values(), key=lambda f: f.sort_key)),
        resources=sum(report.resources for report in collected),
        custody=CustodyAnalysis(tuple(workloads[urn] for urn in sorted(workloads))),
        judged=_merged_judged(report.judged for report in collected),
    )
