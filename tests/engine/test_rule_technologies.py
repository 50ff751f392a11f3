"""Rules confined to the workloads that run a TEE technology (``@rule(technologies=…)``):
the check is called for those alone, every resource of the rule's types is still judged,
and what each workload is found to run is the custody analysis's answer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from custodes.config import build_settings
from custodes.custody import aws as facts
from custodes.engine import evaluate, run_rule, run_rule_over
from custodes.model import UNKNOWN, Resource
from custodes.rules.registry import Context, Outcome, Rule, Violation, catalogue
from tests.conftest import graph, resource

CONFINED = sorted(rule_id for rule_id, rule in catalogue().items() if rule.technologies)


def _instance(name: str, **props: Any) -> Resource:
    return resource(facts.INSTANCE, name, {"instanceType": "m6a.large", **props})


def _stack() -> list[Resource]:
    template = resource(facts.LAUNCH_TEMPLATE, "enclave-tpl",
                        {"instanceType": "m5.xlarge", "enclaveOptions": {"enabled": True}},
                        {"id": "lt-e"}, id="lt-e")
    return [
        _instance("snp", cpuOptions={"amdSevSnp": "enabled"}),
        _instance("enclave", enclaveOptions={"enabled": True}),
        _instance("both", cpuOptions={"amdSevSnp": "enabled"}, enclaveOptions={"enabled": True}),
        _instance("plain"),
        _instance("unknown", enclaveOptions={"enabled": UNKNOWN}),
        _instance("from-template", launchTemplate={"id": "lt-e"}),
        template,
        resource(facts.AUTOSCALING_GROUP, "group", {"launchTemplate": {"id": "lt-e"}}),
    ]


def _spy(rule: Rule) -> tuple[Rule, list[str]]:
    called: list[str] = []

    def check(target: Resource, context: Context) -> Iterator[Outcome]:
        called.append(target.name)
        yield Violation("seen")

    return dataclasses.replace(rule, check=check), called


def test_the_catalogue_confines_the_enclave_and_sev_snp_rules() -> None:
    assert CONFINED == [
        "aws-ec2-enclave-parent-disallow-public-ip",
        "aws-ec2-enclave-parent-require-imdsv2",
        "aws-ec2-enclave-parent-restrict-ingress",
        "aws-ec2-enclave-require-supported-type",
        "aws-ec2-sev-snp-require-supported-type",
    ]


@pytest.mark.parametrize("rule_id", CONFINED)
def test_the_check_is_called_for_the_workloads_that_run_the_technology(rule_id: str) -> None:
    stack = graph(*_stack())
    context = Context(stack)
    rule, called = _spy(catalogue()[rule_id])
    outcomes = list(run_rule_over(rule, rule.resources(context), context))
    running = {workload.resource.name for workload in context.custody
               if rule.technologies & set(workload.technologies)}
    # Each workload the custody analysis finds running one of the technologies, no other.
    assert sorted(called) == sorted(running)
    assert {target.name for _, target, _, _ in outcomes} == running
    if "nitro-enclaves" in rule.technologies:
        assert running == {"enclave", "both", "from-template", "enclave-tpl", "group"}
    else:
        assert running == {"snp", "both"}


@pytest.mark.parametrize("rule_id", CONFINED)
def test_every_resource_of_the_rules_types_is_judged(rule_id: str) -> None:
    report = evaluate(graph(*_stack()), build_settings("strict"))
    judged = dict(report.judged)[rule_id]
    assert len(judged) == 8  # the instances, the template and the group: passed or not
    assert {urn.rsplit("::", 1)[-1] for urn in judged} == {r.name for r in _stack()}


@pytest.mark.parametrize("rule_id", CONFINED)
def test_a_policy_host_asking_about_one_resource_gets_the_same_answer(rule_id: str) -> None:
    # The CrossGuard pack hands a rule one resource in a graph of its own.
    for one in _stack():
        context = Context(graph(one))
        rule, called = _spy(catalogue()[rule_id])
        outcomes = run_rule(rule, one, context)
        workload = context.custody.workload(one.urn)
        runs = workload is not None and bool(rule.technologies & set(workload.technologies))
        assert (called == [one.name]) is runs
        assert bool(outcomes) is runs
        assert list(rule.run(one, context)) == ([Violation("seen")] if runs else [])


def test_an_unknown_enclave_switch_is_not_an_enclave_parent_for_the_parent_rules() -> None:
    # As before the metadata existed: the custody analysis tells the technology
    # unknown, and the parent rules do not judge what it may be.
    report = evaluate(graph(_instance("unknown", enclaveOptions={"enabled": UNKNOWN})),
                      build_settings("strict"))
    assert not [f for f in report.findings if f.rule_id in CONFINED]
    workload = next(iter(Context(graph(_instance("u", enclaveOptions={
        "enabled": UNKNOWN}))).custody))
    assert "nitro-enclaves" not in workload.technologies


def test_the_catalogue_listing_says_which_workloads_a_rule_judges() -> None:
    from custodes.commands.rules import _as_json, full_text

    rule = catalogue()["aws-ec2-enclave-parent-require-imdsv2"]
    assert _as_json(rule)["technologies"] == ["nitro-enclaves"]
    assert "Judges only the workloads running nitro-enclaves;" in full_text(rule)
    assert _as_json(catalogue()["aws-ec2-confidential-require-customer-key"])[
        "technologies"] == []
