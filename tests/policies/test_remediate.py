"""`Remediate`: with enforcement `remediate`, the pack fixes what has a safe automatic fix.

The engine calls Remediate before Analyze and analyzes the fixed inputs; a fix
touches only a resource its rule finds wrong, and keeps secrets secret.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format

from custodes.model import Secret
from custodes.sources.pulumi_json import SECRET_SIG, SIG_KEY
from tests.conftest import resource
from tests.policies.conftest import mandatory

GCP_INSTANCE = "gcp:compute/instance:Instance"
VM = "azure-native:compute:VirtualMachine"
TERMINATE = "gcp-compute-confidential-require-terminate-maintenance"


def tdx_instance(name: str = "analytics", **extra: Any) -> Any:
    return resource(GCP_INSTANCE, name, {
        "name": name, "machineType": "c3-standard-4",
        "confidentialInstanceConfig": {"confidentialInstanceType": "TDX"},
        "bootDisk": {"initializeParams": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"}},
        **extra,
    })


def fixed(response: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """Policy name → (description, remediated properties) of each remediation."""
    return {r.policyName: (r.description, json_format.MessageToDict(r.properties))
            for r in response.remediations}


def test_terminate_on_maintenance_is_set_and_then_passes(configured: Any) -> None:
    instance = tdx_instance(metadata={"startup": Secret("s3cr3t-token")})
    pack = configured({TERMINATE: "remediate"})
    remediations = fixed(pack.remediate(instance))
    assert list(remediations) == [TERMINATE]
    _, props = remediations[TERMINATE]
    assert props["scheduling"]["onHostMaintenance"] == "TERMINATE"
    assert props["machineType"] == "c3-standard-4"
    # The secret goes back to the engine marked secret, so it stays encrypted in state.
    assert props["metadata"]["startup"] == {SIG_KEY: SECRET_SIG, "value": "s3cr3t-token"}
    # The engine then analyzes the remediated inputs: nothing left to block on.
    after = resource(GCP_INSTANCE, "analytics", {**instance.props, "scheduling": {
        "onHostMaintenance": "TERMINATE"}})
    assert (TERMINATE, after.urn) not in mandatory(pack.analyze(after).diagnostics)


def test_nothing_is_remediated_where_the_rule_finds_nothing(configured: Any) -> None:
    pack = configured({TERMINATE: "remediate"})
    ordinary = resource(GCP_INSTANCE, "web", {"machineType": "e2-standard-2"})
    compliant = tdx_instance("batch", scheduling={"onHostMaintenance": "TERMINATE"})
    assert fixed(pack.remediate(ordinary)) == {}
    assert fixed(pack.remediate(compliant)) == {}


def test_without_remediate_level_nothing_changes(configured: Any) -> None:
    pack = configured({})
    assert fixed(pack.remediate(tdx_instance())) == {}


def test_confidential_vm_gets_vtpm_and_secure_boot(configured: Any) -> None:
    vm = resource(VM, "app", {
        "hardwareProfile": {"vmSize": "Standard_DC4as_v5"},
        "securityProfile": {"securityType": "ConfidentialVM",
                            "uefiSettings": {"secureBootEnabled": False,
                                             "vTpmEnabled": False}},
    })
    pack = configured({"azure-compute-cvm-require-vtpm": "remediate",
                       "azure-compute-cvm-require-secure-boot": "remediate"})
    remediations = fixed(pack.remediate(vm))
    assert sorted(remediations) == ["azure-compute-cvm-require-secure-boot",
                                    "azure-compute-cvm-require-vtpm"]
    # Remediations chain: the last one carries both fixes.
    last = pack.remediate(vm).remediations[-1]
    uefi = json_format.MessageToDict(last.properties)["securityProfile"]["uefiSettings"]
    assert uefi == {"secureBootEnabled": True, "vTpmEnabled": True}


def test_a_trusted_launch_vm_is_not_touched(configured: Any) -> None:
    vm = resource(VM, "trusted", {"securityProfile": {
        "securityType": "TrustedLaunch", "uefiSettings": {"vTpmEnabled": False}}})
    pack = configured({"azure-compute-cvm-require-vtpm": "remediate"})
    assert fixed(pack.remediate(vm)) == {}
