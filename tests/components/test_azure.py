"""custodes.azure components: what they refuse, what they declare, and what custodes check says."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from custodes import azure
from custodes.components import ConfigurationError
from custodes.components.azure import (
    encode_release_policy,
    plan_confidential_vm,
    plan_disk_key,
    plan_sgx_enclave_vm,
    secure_key_release_policy,
)
from tests.components.conftest import Recorded, check_project, mandatory, run_program

VM = "azure-native:compute:VirtualMachine"
DES = "azure-native:compute:DiskEncryptionSet"
VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"
ATTESTATION = "azure-native:attestation:AttestationProvider"
NIC = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic"
BASE: dict[str, Any] = {"resource_group_name": "rg", "network_interface_id": NIC,
                        "ssh_public_key": "ssh-ed25519 AAAAC3Nza user@host",
                        "location": "westeurope"}
SHARED = "https://sharedweu.weu.attest.azure.net"
OWN_ATTESTATION = "https://acmeattest.weu.attest.azure.net"
HSM_KEY = "https://acme-hsm.managedhsm.azure.net/keys/cvm-disk"
VAULT_ID = "/subscriptions/s/resourceGroups/keys-rg/providers/Microsoft.KeyVault/vaults/acme-kv"


def decoded_release_policy(key_inputs: dict[str, Any]) -> dict[str, Any]:
    data = key_inputs["properties"]["releasePolicy"]["data"]
    document: dict[str, Any] = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    return document


# --- planning: refusals and their opt-outs ---------------------------------------


def test_confidential_vm_defaults() -> None:
    plan = plan_confidential_vm(BASE)
    assert (plan.vm_size, plan.technology, plan.disk_key.container, plan.disk_key.key_type,
            plan.attestation) == ("Standard_DC2as_v5", "sev-snp", "new-vault", "RSA-HSM",
                                  "create")


@pytest.mark.parametrize(("size", "technology"), [
    ("Standard_DC4as_v5", "sev-snp"), ("Standard_EC8ads_v5", "sev-snp"),
    ("Standard_DC4es_v5", "tdx"), ("Standard_EC16eds_v5", "tdx"),
])
def test_confidential_sizes_give_their_technology(size: str, technology: str) -> None:
    assert plan_confidential_vm({**BASE, "vm_size": size}).technology == technology


@pytest.mark.parametrize("size", ["Standard_D4s_v5", "Standard_DC4s_v3", "Standard_B2s"])
def test_a_size_that_is_not_a_confidential_vm_is_refused(size: str) -> None:
    with pytest.raises(ConfigurationError, match=size) as error:
        plan_confidential_vm({**BASE, "vm_size": size})
    assert (error.value.argument, error.value.opt_out) == ("vm_size", "allow_unlisted_size")
    assert plan_confidential_vm({**BASE, "vm_size": size, "allow_unlisted_size": True})


@pytest.mark.parametrize("size", ["Standard_DC4as_v5", "Standard_D4s_v5"])
def test_an_sgx_vm_needs_an_sgx_size(size: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_sgx_enclave_vm({**BASE, "vm_size": size})
    assert (error.value.argument, error.value.opt_out) == ("vm_size", "allow_unlisted_size")


def test_sgx_vm_defaults_to_dcsv3() -> None:
    plan = plan_sgx_enclave_vm(BASE)
    assert (plan.vm_size, plan.technology, plan.attestation) == ("Standard_DC2s_v3", "sgx", "none")


def test_a_software_key_is_refused_unless_opted_out() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_disk_key({"key_type": "RSA"})
    assert (error.value.argument, error.value.opt_out) == ("key_type", "allow_software_key")
    assert plan_disk_key({"key_type": "RSA", "allow_software_key": True}).key_type == "RSA"


def test_a_key_type_disk_encryption_sets_cannot_use_is_refused() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_disk_key({"key_type": "EC-HSM"})
    assert (error.value.argument, error.value.opt_out) == ("key_type", None)


def test_a_vault_and_a_managed_hsm_key_together_are_refused() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_disk_key({"key_vault_id": VAULT_ID, "managed_hsm_key_url": HSM_KEY})
    assert error.value.argument == "managed_hsm_key_url"


def test_a_vault_key_url_given_as_managed_hsm_key_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="key_vault_id") as error:
        plan_disk_key({"managed_hsm_key_url": "https://acme.vault.azure.net/keys/k"})
    assert error.value.argument == "managed_hsm_key_url"


@pytest.mark.parametrize(("args", "container"), [
    ({}, "new-vault"), ({"key_vault_id": VAULT_ID}, "vault"),
    ({"managed_hsm_key_url": HSM_KEY}, "managed-hsm"),
    ({"allow_provider_managed_key": True}, "platform"),
])
def test_each_key_container(args: dict[str, Any], container: str) -> None:
    assert plan_disk_key(args).container == container


def test_a_shared_attestation_endpoint_is_refused_unless_opted_out() -> None:
    with pytest.raises(ConfigurationError, match="Microsoft-run") as error:
        plan_confidential_vm({**BASE, "attestation_provider_uri": SHARED})
    assert (error.value.argument, error.value.opt_out) == (
        "attestation_provider_uri", "allow_shared_attestation")
    plan = plan_confidential_vm({**BASE, "attestation_provider_uri": SHARED,
                                 "allow_shared_attestation": True})
    assert plan.attestation == "given"


def test_an_attestation_provider_for_a_key_the_component_does_not_create_is_refused() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_confidential_vm({**BASE, "managed_hsm_key_url": HSM_KEY,
                              "attestation_provider_uri": OWN_ATTESTATION})
    assert error.value.argument == "attestation_provider_uri"


@pytest.mark.parametrize("argument", ["resource_group_name", "network_interface_id",
                                      "ssh_public_key"])
def test_required_arguments_are_named(argument: str) -> None:
    args = {key: value for key, value in BASE.items() if key != argument}
    with pytest.raises(ConfigurationError, match="is required") as error:
        plan_confidential_vm(args)
    assert error.value.argument == argument


def test_a_disk_size_sent_as_a_float_counts_as_a_whole_number() -> None:
    assert plan_confidential_vm({**BASE, "os_disk_size_gb": 64.0}).os_disk_size_gb == 64
    with pytest.raises(ConfigurationError):
        plan_confidential_vm({**BASE, "os_disk_size_gb": 0})


@pytest.mark.parametrize(("technology", "attestation_type"), [("sev-snp", "sevsnpvm"),
                                                              ("tdx", "tdxvm")])
def test_the_release_policy_names_the_authority_and_the_tee(technology: str,
                                                            attestation_type: str) -> None:
    policy = secure_key_release_policy(OWN_ATTESTATION, technology)
    (clause,) = policy["anyOf"]
    assert clause["authority"] == OWN_ATTESTATION
    assert {"claim": "x-ms-isolation-tee.x-ms-attestation-type",
            "equals": attestation_type} in clause["allOf"]
    encoded = encode_release_policy(policy)
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))) == policy


# --- resources declared under mocks -------------------------------------------------


def _confidential_vm(args: dict[str, Any]) -> Recorded:
    return run_program(lambda: {
        "des": (vm := azure.ConfidentialVM("cvm", azure.ConfidentialVMArgs(**args))
                ).disk_encryption_set_id,
        "key_url": vm.key_url, "attestation": vm.attestation_uri, "vault": vm.key_vault_id,
    })


def test_confidential_vm_keeps_the_os_disk_key_in_an_hsm_released_to_its_own_attestation() -> None:
    recorded = _confidential_vm({**BASE, "confidential_vm_orchestrator_object_id": "orch-oid"})
    component = recorded.one("custodes:azure:ConfidentialVM")
    vault, key, des, vm = (recorded.one(t) for t in (VAULT, KEY, DES, VM))
    provider = recorded.one(ATTESTATION)
    for child in (vault, key, des, vm, provider, *recorded.of_type(ACCESS_POLICY)):
        assert child.parent == component.urn
    assert vault.get("properties.sku.name") == "premium"
    assert vault.get("properties.enablePurgeProtection") is True
    assert key.get("properties.kty") == "RSA-HSM"
    assert key.get("properties.keySize") == 3072
    assert key.get("properties.attributes.exportable") is True
    release = decoded_release_policy(key.inputs)
    assert [clause["authority"] for clause in release["anyOf"]] == [recorded.outputs["attestation"]]
    assert recorded.outputs["attestation"].endswith(".attest.azure.net")
    assert not recorded.outputs["attestation"].startswith("https://shared")
    assert des.inputs["encryptionType"] == "ConfidentialVmEncryptedWithCustomerKey"
    assert des.get("activeKey.keyUrl") == recorded.outputs["key_url"]
    assert des.get("activeKey.sourceVault.id") == recorded.outputs["vault"]
    assert vm.get("securityProfile.securityType") == "ConfidentialVM"
    assert vm.get("securityProfile.uefiSettings") == {"secureBootEnabled": True,
                                                       "vTpmEnabled": True}
    disk_security = vm.get("storageProfile.osDisk.managedDisk.securityProfile")
    assert disk_security == {"securityEncryptionType": "DiskWithVMGuestState",
                             "diskEncryptionSet": {"id": recorded.outputs["des"]}}
    assert vm.get("hardwareProfile.vmSize") == "Standard_DC2as_v5"
    assert vm.get("osProfile.linuxConfiguration.disablePasswordAuthentication") is True
    grants = {p.get("policy.objectId"): p.get("policy.permissions.keys")
              for p in recorded.of_type(ACCESS_POLICY)}
    assert grants.pop("orch-oid") == ["get", "release"]
    assert list(grants.values()) == [["get", "wrapKey", "unwrapKey"]]


def test_a_tdx_size_gets_a_tdx_release_claim() -> None:
    recorded = _confidential_vm({**BASE, "vm_size": "Standard_DC4es_v5"})
    claims = decoded_release_policy(recorded.one(KEY).inputs)["anyOf"][0]["allOf"]
    assert claims[0] == {"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "tdxvm"}


def test_a_given_attestation_provider_and_vault_are_used_not_created() -> None:
    recorded = _confidential_vm({**BASE, "attestation_provider_uri": OWN_ATTESTATION,
                                 "key_vault_id": VAULT_ID})
    assert recorded.of_type(ATTESTATION) == [] and recorded.of_type(VAULT) == []
    key = recorded.one(KEY)
    assert (key.inputs["vaultName"], key.inputs["resourceGroupName"]) == ("acme-kv", "keys-rg")
    assert decoded_release_policy(key.inputs)["anyOf"][0]["authority"] == OWN_ATTESTATION
    assert recorded.one(DES).get("activeKey.sourceVault.id") == VAULT_ID


def test_a_shared_attestation_endpoint_arriving_as_an_output_is_refused() -> None:
    with pytest.raises(ValueError, match="attestation_provider_uri: https://sharedweu"):
        _confidential_vm({**BASE, "attestation_provider_uri": pulumi.Output.from_input(SHARED)})


def test_a_managed_hsm_key_goes_straight_into_the_disk_encryption_set() -> None:
    recorded = _confidential_vm({**BASE, "managed_hsm_key_url": HSM_KEY})
    assert recorded.of_type(KEY) == [] and recorded.of_type(VAULT) == []
    assert recorded.of_type(ACCESS_POLICY) == []
    des = recorded.one(DES)
    assert des.get("activeKey") == {"keyUrl": HSM_KEY}
    assert des.inputs["encryptionType"] == "ConfidentialVmEncryptedWithCustomerKey"


def test_allow_provider_managed_key_creates_no_key_and_no_set() -> None:
    recorded = _confidential_vm({**BASE, "allow_provider_managed_key": True})
    assert recorded.of_type(DES) == [] and recorded.of_type(KEY) == []
    disk_security = recorded.one(VM).get("storageProfile.osDisk.managedDisk.securityProfile")
    assert disk_security == {"securityEncryptionType": "DiskWithVMGuestState"}


def test_the_callers_args_are_not_changed() -> None:
    args = {**BASE, "tags": {"team": "payments"}, "attestation_provider_uri": OWN_ATTESTATION}
    before = copy.deepcopy(args)
    _confidential_vm(args)
    assert args == before


def test_sgx_vm_encrypts_its_disk_at_rest_with_a_non_exportable_hsm_key() -> None:
    recorded = run_program(lambda: {"des": azure.SgxEnclaveVM("sgx", azure.SgxEnclaveVMArgs(
        **BASE)).disk_encryption_set_id})
    component = recorded.one("custodes:azure:SgxEnclaveVM")
    key, des, vm = recorded.one(KEY), recorded.one(DES), recorded.one(VM)
    assert {key.parent, des.parent, vm.parent} == {component.urn}
    assert recorded.of_type(ATTESTATION) == []
    assert key.get("properties.kty") == "RSA-HSM"
    assert key.get("properties.attributes.exportable") is False
    assert key.get("properties.releasePolicy") is None
    assert des.inputs["encryptionType"] == "EncryptionAtRestWithCustomerKey"
    assert vm.get("storageProfile.osDisk.managedDisk.diskEncryptionSet.id") == (
        recorded.outputs["des"])
    assert vm.get("securityProfile") is None
    assert vm.get("hardwareProfile.vmSize") == "Standard_DC2s_v3"


# --- custodes check on the components' stacks --------------------------------------

AZURE_CONFIG = {"azure-native:location": "westeurope"}
PROGRAM = """
    from custodes import azure
    azure.{component}("vm", {{"resource_group_name": "rg", "network_interface_id": "{nic}",
                            "ssh_public_key": "ssh-ed25519 AAAA", {extra}}})
    """


@pytest.mark.parametrize("component", ["ConfidentialVM", "SgxEnclaveVM"])
def test_default_arguments_leave_no_mandatory_finding(tmp_path: Path, component: str) -> None:
    report = check_project(tmp_path, PROGRAM.format(component=component, nic=NIC, extra=""),
                           AZURE_CONFIG)
    assert mandatory(report) == []
    (workload,) = report.custody
    assert [key.label for key in workload.keys] == ["customer-hsm"]


def test_the_confidential_vm_key_is_released_under_a_customer_policy(tmp_path: Path) -> None:
    report = check_project(tmp_path, PROGRAM.format(component="ConfidentialVM", nic=NIC,
                                                    extra=""), AZURE_CONFIG)
    (workload,) = report.custody
    assert (workload.attestation_policy, workload.keys[0].attestation_bound) == ("customer", True)


@pytest.mark.parametrize(("extra", "rule", "resource"), [
    ('"allow_provider_managed_key": True', "azure-compute-cvm-require-customer-key", "vm"),
    (f'"attestation_provider_uri": "{SHARED}", "allow_shared_attestation": True',
     "azure-keyvault-key-require-customer-attestation", "vm-disk-key"),
    ('"vm_size": "Standard_D4s_v5", "allow_unlisted_size": True',
     "azure-compute-cvm-require-confidential-size", "vm"),
])
def test_an_opt_out_is_still_reported(tmp_path: Path, extra: str, rule: str,
                                      resource: str) -> None:
    report = check_project(tmp_path, PROGRAM.format(component="ConfidentialVM", nic=NIC,
                                                    extra=extra), AZURE_CONFIG)
    assert (rule, resource) in mandatory(report)
