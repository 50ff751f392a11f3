"""IBM Cloud VPC: which instances are confidential, and what custodes does when it cannot tell.

Facts (cited in :mod:`custodes.custody.ibm` and :mod:`custodes.catalog`): the provider
uses the profile's default confidential compute mode when ``confidentialComputeMode`` is
unset, and "TDX is the default confidential computing mode for all profiles" of the
bx3dc/cx3dc families (IBM Cloud "Confidential Computing instance profiles - x86 Gen 3",
2026-05-06). IBM's deprecation notice (``vpc-ichpcs_deprecated_anmt``) withdraws the
LinuxONE (s390x) virtual servers for VPC, Secure Execution included, with Hyper Protect.
"""

from __future__ import annotations

from typing import Any

import pytest

from custodes.catalog import ibm_default_confidential_mode
from custodes.config import build_settings
from custodes.custody import analyse
from custodes.engine import Finding, evaluate
from custodes.model import UNKNOWN, Resource
from tests.conftest import graph, resource

INSTANCE = "ibm:index/isInstance:IsInstance"
TEMPLATE = "ibm:index/isInstanceTemplate:IsInstanceTemplate"
KEY_RULE = "ibm-vpc-confidential-require-customer-key"
PROFILE_RULE = "ibm-vpc-confidential-require-supported-profile"
WITHDRAWN_RULE = "ibm-vpc-hyper-protect-disallow-withdrawn-service"
HPCS_KEY = "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"
ABSENT = object()


def vsi(profile: Any, mode: Any = ABSENT, *, token: str = INSTANCE, key: str | None = None,
        **extra: Any) -> Resource:
    """An instance (or template) on ``profile``; ``mode`` left out unless given."""
    props: dict[str, Any] = {
        "name": "vsi", "profile": profile, "image": "r006-ubuntu-24-04",
        "vpc": "r006-vpc", "zone": "us-east-1",
        "primaryNetworkInterface": {"subnet": "0757-subnet"},
        "bootVolume": {"encryption": key} if key else {"name": "vsi-boot"}, **extra,
    }
    if mode is not ABSENT:
        props["confidentialComputeMode"] = mode
    return resource(token, "vsi", props)


def findings(*resources: Resource, profile: str = "strict") -> list[Finding]:
    return evaluate(graph(*resources), build_settings(profile)).findings


def of_rule(rule_id: str, *resources: Resource) -> list[tuple[bool, str]]:
    """(unresolved, message) of one rule's findings, in the strict profile."""
    return sorted((f.unresolved, f.message) for f in findings(*resources) if f.rule_id == rule_id)


def technologies(item: Resource) -> list[tuple[str, ...]]:
    return [workload.technologies for workload in analyse(graph(item)).workloads]


@pytest.mark.parametrize(("profile", "mode"), [
    ("bx3dc-2x10", "tdx"), ("bx3dc-96x480", "tdx"), ("cx3dc-2x5", "tdx"),
    ("cx3dc-128x320", "tdx"), ("BX3DC-4x20", "tdx"),
    ("bx2-2x8", "disabled"), ("cx3d-4x10", "disabled"), ("gx3-16x80x1l4", "disabled"),
    ("bz2-2x8", "disabled"), ("bz2e-2x8", "disabled"), ("mz2e-2x16", "disabled"),
    ("qq9-2x8", None), ("custom", None),
])
def test_the_default_mode_of_a_profile(profile: str, mode: str | None) -> None:
    assert ibm_default_confidential_mode(profile) == mode


@pytest.mark.parametrize("token", [INSTANCE, TEMPLATE])
@pytest.mark.parametrize("mode", [ABSENT, None, ""], ids=["absent", "null", "empty"])
def test_a_confidential_profile_without_a_mode_is_a_tdx_workload(token: str, mode: Any) -> None:
    (workload,) = analyse(graph(vsi("bx3dc-2x10", mode, token=token))).workloads
    assert workload.technologies == ("tdx",)
    assert workload.founders == ("Intel",)
    assert [key.label for key in workload.keys] == ["provider"]


def test_the_default_tdx_workload_is_judged_like_an_explicit_one() -> None:
    implicit = of_rule(KEY_RULE, vsi("cx3dc-8x20"))
    explicit = of_rule(KEY_RULE, vsi("cx3dc-8x20", "tdx"))
    assert implicit == explicit == [(False, "bootVolume.encryption: no encryption key: an "
                                             "IBM-managed key")]
    # Mandatory by default: the stack fails without --profile strict.
    [finding] = [f for f in findings(vsi("cx3dc-8x20"), profile="default")
                 if f.rule_id == KEY_RULE]
    assert finding.enforcement == "mandatory" and not finding.unresolved
    assert of_rule(KEY_RULE, vsi("cx3dc-8x20", key=HPCS_KEY)) == []
    # TDX on every confidential profile: no profile finding for the default mode.
    assert of_rule(PROFILE_RULE, vsi("bx3dc-96x480")) == []


@pytest.mark.parametrize("profile", ["bx3dc-2x10", "bx2-2x8", "bz2-2x8"])
def test_mode_disabled_or_an_ordinary_profile_is_not_confidential(profile: str) -> None:
    item = vsi(profile, "disabled") if profile.startswith("bx3dc") else vsi(profile)
    assert technologies(item) == []
    assert [f.rule_id for f in findings(item) if f.rule_id.startswith("ibm-")] == []


@pytest.mark.parametrize("mode", [UNKNOWN, "sev", "TDX2"], ids=["unknown", "sev", "tdx2"])
def test_an_unknown_mode_is_unresolved_not_a_violation(mode: Any) -> None:
    item = vsi("bx3dc-2x10", mode)
    assert technologies(item) == [("unknown",)]
    [(unresolved, message)] = of_rule(KEY_RULE, item)
    assert unresolved
    assert "confidential compute mode" in message
    assert "bootVolume.encryption would be IBM-managed" in message
    [(unresolved, _)] = of_rule(PROFILE_RULE, item)
    assert unresolved


@pytest.mark.parametrize(("profile", "named"), [(UNKNOWN, "the profile is unknown"),
                                                ("qq9-2x8", "profile qq9-2x8")],
                         ids=["unknown-value", "outside-catalogue"])
def test_no_mode_on_an_unknown_profile_is_unresolved(profile: Any, named: str) -> None:
    item = vsi(profile)
    assert technologies(item) == [("unknown",)]
    [(unresolved, message)] = of_rule(KEY_RULE, item)
    assert unresolved and named in message
    # Unresolved even with a customer key: whether it is confidential is the open question.
    [(unresolved, _)] = of_rule(KEY_RULE, vsi(profile, key=HPCS_KEY))
    assert unresolved


def test_an_explicit_mode_on_an_unknown_profile_is_confidential() -> None:
    item = vsi(UNKNOWN, "sgx", key=HPCS_KEY)
    assert technologies(item) == [("sgx",)]
    assert of_rule(KEY_RULE, item) == []
    [(unresolved, message)] = of_rule(PROFILE_RULE, item)
    assert unresolved and "profile is unknown" in message


def test_secure_execution_with_an_unknown_mode_is_secure_execution() -> None:
    assert technologies(vsi("bz2e-2x8", UNKNOWN)) == [("secure-execution",)]
    assert technologies(vsi("bz2e-2x8")) == [("secure-execution",)]


@pytest.mark.parametrize("token", [INSTANCE, TEMPLATE])
@pytest.mark.parametrize("profile", ["bz2e-1x4", "cz2e-2x4", "mz2e-16x128"])
def test_secure_execution_is_withdrawn_with_hyper_protect(token: str, profile: str) -> None:
    [(unresolved, message)] = of_rule(WITHDRAWN_RULE, vsi(profile, token=token, key=HPCS_KEY))
    assert not unresolved
    assert "LinuxONE" in message and profile in message
    assert "2026-02-28" in message and "2027-02-20" in message
    assert "SUSE Linux Enterprise Server or Ubuntu Linux" in message
    # Advisory by default, like Hyper Protect.
    [finding] = [f for f in findings(vsi(profile, token=token, key=HPCS_KEY), profile="default")
                 if f.rule_id == WITHDRAWN_RULE]
    assert finding.enforcement == "advisory"


def test_tdx_and_hyper_protect_keep_their_verdicts() -> None:
    assert of_rule(WITHDRAWN_RULE, vsi("bx3dc-2x10", key=HPCS_KEY)) == []
    hpvs = vsi("bz2e-1x4", key=HPCS_KEY, image="ibm-hyper-protect-container-runtime-1-0-s390x-25")
    [(_, message)] = of_rule(WITHDRAWN_RULE, hpvs)
    assert "Hyper Protect Virtual Servers for VPC" in message
    assert "Confidential Computing Container Runtime" in message


def from_template(template_ref: str, **own: Any) -> Resource:
    """An instance created from the template ``template_ref`` names, with only ``own`` set."""
    return resource(INSTANCE, "from-template", {"name": "from-template",
                                                 "instanceTemplate": template_ref,
                                                 "zone": "us-east-1", **own})


@pytest.mark.parametrize(("template_profile", "template_mode", "expected"), [
    ("bx3dc-2x10", "tdx", [("tdx",)]),
    ("bx3dc-2x10", ABSENT, [("tdx",)]),  # the template's profile default
    ("bx3dc-2x10", "disabled", []),
    ("bx2-2x8", ABSENT, []),
])
def test_an_instance_takes_profile_and_mode_from_its_template(
        template_profile: str, template_mode: Any, expected: list[tuple[str, ...]]) -> None:
    template = vsi(template_profile, template_mode, token=TEMPLATE, key=HPCS_KEY)
    instance = from_template(template.urn)
    workloads = analyse(graph(template, instance)).workloads
    assert [w.technologies for w in workloads if w.resource.type == INSTANCE] == expected


def test_an_instance_from_a_template_takes_its_boot_volume_key() -> None:
    template = vsi("bx3dc-2x10", "tdx", token=TEMPLATE, key=HPCS_KEY)
    compliant = from_template(template.urn)
    assert not [f for f in findings(template, compliant) if f.rule_id == KEY_RULE]
    own_boot = from_template(template.urn, bootVolume={"name": "plain"})
    [(unresolved, message)] = of_rule(KEY_RULE, template, own_boot)
    assert not unresolved and "IBM-managed" in message


@pytest.mark.parametrize("own", [{}, {"profile": "bx3dc-2x10"}])
def test_an_instance_from_a_template_outside_the_stack_is_unresolved(own: dict[str, Any]) -> None:
    """Its mode (and, without a profile of its own, its profile) is the template's: unknown."""
    instance = from_template("r006-template-elsewhere", **own)
    outcomes = of_rule(KEY_RULE, instance)
    assert outcomes and all(unresolved for unresolved, _ in outcomes), outcomes
    assert any("template" in message for _, message in outcomes)


def test_an_instance_from_an_unknown_template_on_a_plain_profile_is_not_confidential() -> None:
    """A profile that offers no TEE tells, whatever the template's mode."""
    assert technologies(from_template("r006-template-elsewhere", profile="bx2-2x8")) == []
