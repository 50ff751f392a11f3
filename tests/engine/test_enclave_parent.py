"""The enclave parent's exposure through launch templates (issue 12): a group, fleet,
node group, Batch compute environment or instance launched from a template whose
enclaveOptions are on is an enclave parent; its metadata options, interfaces and
security groups are its own where it sets them, the template's otherwise."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custodes.config import build_settings
from custodes.custody import aws as facts
from custodes.engine import evaluate
from custodes.model import UNKNOWN
from tests.conftest import graph, resource

IMDS = "aws-ec2-enclave-parent-require-imdsv2"
PUBLIC = "aws-ec2-enclave-parent-disallow-public-ip"
INGRESS = "aws-ec2-enclave-parent-restrict-ingress"
RULES = (IMDS, PUBLIC, INGRESS)


def _template(tokens: str | None = "required", public: Any = "false",
              groups: Any = ("sg-closed",), native: bool = False) -> Any:
    data: dict[str, Any] = {"instanceType": "m5.xlarge", "enclaveOptions": {"enabled": True}}
    if tokens is not None:
        data["metadataOptions"] = {"httpTokens": tokens}
    interface: dict[str, Any] = {"deviceIndex": 0}
    if public is not None:
        interface["associatePublicIpAddress"] = public
    interface["groups" if native else "securityGroups"] = list(groups)
    data["networkInterfaces"] = [interface]
    if native:
        return resource(facts.NATIVE_LAUNCH_TEMPLATE, "tpl", {"launchTemplateData": data},
                        {"launchTemplateId": "lt-1"}, id="lt-1")
    return resource(facts.LAUNCH_TEMPLATE, "tpl", data, {"id": "lt-1"}, id="lt-1")


def _groups() -> list[Any]:
    closed = resource(facts.SECURITY_GROUP, "closed", {"ingress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.0.0.0/16"]}]},
        id="sg-closed")
    open_ = resource(facts.SECURITY_GROUP, "open", {"ingress": [
        {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]},
        id="sg-open")
    return [closed, open_]


def _findings(*resources: Any, name: str = "parents") -> dict[str, list[tuple[bool, str]]]:
    report = evaluate(graph(*resources, *_groups()), build_settings("strict"))
    found: dict[str, list[tuple[bool, str]]] = {rule: [] for rule in RULES}
    for finding in report.findings:
        if finding.rule_id in RULES and finding.name == name:
            found[finding.rule_id].append((finding.unresolved, finding.message))
    return found


LAUNCHERS = [
    (facts.AUTOSCALING_GROUP, {"launchTemplate": {"id": "lt-1"}, "maxSize": 2, "minSize": 1}),
    (facts.EKS_NODE_GROUP, {"launchTemplate": {"id": "lt-1"}, "nodeRoleArn": "arn:aws:iam::1:role/n"}),
    (facts.BATCH_COMPUTE_ENVIRONMENT, {"computeResources": {"launchTemplate": {
        "launchTemplateId": "lt-1"}}}),
    (facts.FLEET, {"launchTemplateConfigs": [{"launchTemplateSpecification": {
        "launchTemplateId": "lt-1"}}]}),
    (facts.SPOT_FLEET_REQUEST, {"launchTemplateConfigs": [{"launchTemplateSpecification": {
        "id": "lt-1"}}]}),
    (facts.INSTANCE, {"launchTemplate": {"id": "lt-1"}}),
    (facts.NATIVE_AUTOSCALING_GROUP, {"launchTemplate": {"launchTemplateId": "lt-1"}}),
]


@pytest.mark.parametrize(("token", "props"), LAUNCHERS, ids=[t for t, _ in LAUNCHERS])
def test_a_launcher_from_an_enclave_template_is_judged_through_it(token: str,
                                                                  props: dict[str, Any]) -> None:
    exposed = _template(tokens="optional", public="true", groups=("sg-open",))
    found = _findings(resource(token, "parents", props), exposed)
    assert found[IMDS] == [(False, "launch template tpl: IMDSv2 is not required "
                                   "(metadataOptions.httpTokens optional)")]
    assert found[PUBLIC] == [(False, "launch template tpl: networkInterfaces[0]"
                                     ".associatePublicIpAddress is true")]
    assert found[INGRESS] == [(False, "launch template tpl: security group open ingress[0] "
                                      "admits 0.0.0.0/0")]
    clean = _findings(resource(token, "parents", props), _template())
    assert clean == {rule: [] for rule in RULES}


def test_native_template_fields_are_read_under_its_data() -> None:
    group = resource(facts.AUTOSCALING_GROUP, "parents", {"launchTemplate": {"id": "lt-1"}})
    found = _findings(group, _template(tokens=None, groups=("sg-open",), native=True))
    assert found[IMDS] == [(False, "launch template tpl: IMDSv2 is not required "
                                   "(metadataOptions.httpTokens not set: optional unless the "
                                   "AMI requires v2)")]
    assert [m for _, m in found[INGRESS]] == [
        "launch template tpl: security group open ingress[0] admits 0.0.0.0/0"]


def test_the_instances_own_settings_override_the_templates() -> None:
    instance = resource(facts.INSTANCE, "parents", {
        "launchTemplate": {"id": "lt-1"}, "metadataOptions": {"httpTokens": "required"},
        "vpcSecurityGroupIds": ["sg-closed"], "associatePublicIpAddress": False,
        "subnetId": "subnet-1"})
    subnet = resource(facts.SUBNET, "private", {"mapPublicIpOnLaunch": False}, id="subnet-1")
    exposed = _template(tokens="optional", public="true", groups=("sg-open",))
    assert _findings(instance, exposed, subnet) == {rule: [] for rule in RULES}


def test_an_unknown_template_value_is_unresolved() -> None:
    group = resource(facts.AUTOSCALING_GROUP, "parents", {"launchTemplate": {"id": "lt-1"}})
    found = _findings(group, _template(tokens=UNKNOWN, public=UNKNOWN))
    assert found[IMDS] == [(True, "unresolved: launch template tpl: metadataOptions.httpTokens "
                                  "is unknown")]
    assert found[PUBLIC] == [(True, "unresolved: launch template tpl: networkInterfaces[0]"
                                    ".associatePublicIpAddress is unknown")]


def test_a_template_outside_the_stack_is_unresolved_for_an_enclave_instance() -> None:
    instance = resource(facts.INSTANCE, "parents", {
        "enclaveOptions": {"enabled": True}, "instanceType": "m5.xlarge",
        "launchTemplate": {"id": "lt-elsewhere"}})
    found = _findings(instance)
    assert [unresolved for unresolved, _ in found[IMDS]] == [True]
    assert "not in the stack" in found[IMDS][0][1]
    assert [unresolved for unresolved, _ in found[INGRESS]] == [True]


def test_a_template_without_enclaves_makes_no_parent() -> None:
    plain = resource(facts.LAUNCH_TEMPLATE, "tpl", {
        "instanceType": "m5.xlarge", "metadataOptions": {"httpTokens": "optional"}},
        {"id": "lt-1"}, id="lt-1")
    group = resource(facts.AUTOSCALING_GROUP, "parents", {"launchTemplate": {"id": "lt-1"}})
    assert _findings(group, plain) == {rule: [] for rule in RULES}


@pytest.mark.parametrize(("token", "props"), [
    (facts.AUTOSCALING_GROUP, {"launchTemplate": {"id": "lt-1"},
                               "vpcZoneIdentifiers": ["subnet-public"]}),
    (facts.EKS_NODE_GROUP, {"launchTemplate": {"id": "lt-1"}, "subnetIds": ["subnet-public"]}),
    (facts.BATCH_COMPUTE_ENVIRONMENT, {"computeResources": {
        "launchTemplate": {"launchTemplateId": "lt-1"}, "subnets": ["subnet-public"]}}),
    (facts.NATIVE_AUTOSCALING_GROUP, {"launchTemplate": {"launchTemplateId": "lt-1"},
                                      "vpcZoneIdentifier": ["subnet-public"]}),
])
def test_where_no_interface_says_the_launchers_subnet_decides(token: str,
                                                             props: dict[str, Any]) -> None:
    public = resource(facts.SUBNET, "public", {"mapPublicIpOnLaunch": True}, id="subnet-public")
    private = resource(facts.SUBNET, "private", {"mapPublicIpOnLaunch": False},
                       id="subnet-private")
    template = _template(public=None)
    found = _findings(resource(token, "parents", props), template, public, private)
    assert found[PUBLIC] == [(False, "subnet public assigns a public IP on launch")]
    private_props = json.loads(json.dumps(props).replace("subnet-public", "subnet-private"))
    found = _findings(resource(token, "parents", private_props), template, public, private)
    assert found[PUBLIC] == []


def test_no_subnet_and_no_interface_setting_is_unresolved() -> None:
    group = resource(facts.AUTOSCALING_GROUP, "parents", {"launchTemplate": {"id": "lt-1"}})
    found = _findings(group, _template(public=None))
    assert [unresolved for unresolved, _ in found[PUBLIC]] == [True]
    instance = resource(facts.INSTANCE, "parents", {"launchTemplate": {"id": "lt-1"}})
    found = _findings(instance, _template(public=None))
    assert found[PUBLIC] == [(False, "launch template tpl: no subnet: the instance is launched "
                                     "in a default subnet, which assigns a public IP")]
