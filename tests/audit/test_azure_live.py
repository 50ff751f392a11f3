"""Azure: ARM JSON shaped by azure-mgmt-compute / azure-mgmt-keyvault models, normalised
and read through the SDK from a loopback Resource Manager (HTTPS, via ``base_url``)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from azure.mgmt.compute import models as compute
from azure.mgmt.keyvault import models as keyvault

from custodes.engine import evaluate
from custodes.model import Graph
from custodes.sources.live import CloudAccessError, LiveOptions
from custodes.sources.live import azure as live_azure
from tests.audit.conftest import SUBSCRIPTION, AzureToken
from tests.audit.servers import LocalApi

GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/confidential"
VM_ID = f"{GROUP}/providers/Microsoft.Compute/virtualMachines/cvm"
DES_ID = f"{GROUP}/providers/Microsoft.Compute/diskEncryptionSets/cvm-des"
VAULT_ID = f"{GROUP}/providers/Microsoft.KeyVault/vaults/cvm-vault"
KEY_ID = f"{VAULT_ID}/keys/cvm-key"
KEY_URL = "https://cvm-vault.vault.azure.net/keys/cvm-key"
LIST = f"/subscriptions/{SUBSCRIPTION}/providers"


def arm(model: Any, arm_id: str, **readonly: Any) -> dict[str, Any]:
    """The ARM JSON of an SDK model, with the read-only fields the service fills in."""
    data = model.as_dict()
    data.update(id=arm_id, name=arm_id.rsplit("/", 1)[-1])
    data.setdefault("properties", {}).update(readonly)
    return data


def vm_json(*, encryption: str = "DiskWithVMGuestState", des: bool = True,
            location: str = "westeurope") -> dict[str, Any]:
    security = compute.VMDiskSecurityProfile(
        security_encryption_type=encryption,
        disk_encryption_set=compute.DiskEncryptionSetParameters(id=DES_ID) if des else None)
    model = compute.VirtualMachine(location=location, properties=compute.VirtualMachineProperties(
        hardware_profile=compute.HardwareProfile(vm_size="Standard_DC4as_v5"),
        security_profile=compute.SecurityProfile(
            security_type="ConfidentialVM",
            uefi_settings=compute.UefiSettings(secure_boot_enabled=True, v_tpm_enabled=True)),
        storage_profile=compute.StorageProfile(os_disk=compute.OSDisk(
            create_option="FromImage",
            managed_disk=compute.ManagedDiskParameters(security_profile=security)))))
    return arm(model, VM_ID, provisioningState="Succeeded", vmId="0000-vm")


def des_json() -> dict[str, Any]:
    model = compute.DiskEncryptionSet(location="westeurope", properties=compute.EncryptionSetProperties(
        encryption_type="ConfidentialVmEncryptedWithCustomerKey",
        active_key=compute.KeyForDiskEncryptionSet(key_url=f"{KEY_URL}/0123456789",
                                                   source_vault=compute.SourceVault(id=VAULT_ID))))
    return arm(model, DES_ID)


def vault_json() -> dict[str, Any]:
    model = keyvault.Vault(location="westeurope", properties=keyvault.VaultProperties(
        tenant_id="00000000-0000-0000-0000-00000000000a",
        sku=keyvault.Sku(family="A", name="premium")))
    return arm(model, VAULT_ID, vaultUri="https://cvm-vault.vault.azure.net/")


def key_json(authority: str = "https://customerattest.weu.attest.azure.net") -> dict[str, Any]:
    policy = {"version": "1.0.0", "anyOf": [{"authority": authority, "allOf": [
        {"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"},
        {"claim": "x-ms-isolation-tee.x-ms-compliance-status", "equals": "azure-compliant-cvm"},
    ]}]}
    model = keyvault.Key(properties=keyvault.KeyProperties(
        kty="RSA-HSM", key_ops=["wrapKey", "unwrapKey"],
        attributes=keyvault.KeyAttributes(enabled=True, exportable=True),
        release_policy=keyvault.KeyReleasePolicy(content_type="application/json; charset=utf-8",
                                                 data=json.dumps(policy).encode())))
    return arm(model, KEY_ID, keyUri=KEY_URL, keyUriWithVersion=f"{KEY_URL}/0123456789")


def subscription(api: LocalApi, overrides: dict[tuple[str, str], Any] | None = None) -> None:
    """Serve a subscription with one confidential VM, its DES, vault and key."""
    api.routes.update({
        ("GET", f"{LIST}/Microsoft.Compute/virtualMachines"): (200, {"value": [vm_json()]}),
        ("GET", f"{LIST}/Microsoft.Compute/diskEncryptionSets"): (200, {"value": [des_json()]}),
        ("GET", f"{LIST}/Microsoft.KeyVault/vaults"): (200, {"value": [vault_json()]}),
        ("GET", KEY_ID): (200, key_json()),
    })
    api.routes.update(overrides or {})


def connect(api: LocalApi, credential: Any = None, **options: Any) -> tuple[Any, LiveOptions]:
    settings = LiveOptions(subscription=SUBSCRIPTION, endpoint=api.url, **options)
    return live_azure.connect(settings, credential or AzureToken()), settings


# --- normalisers ---------------------------------------------------------------


def test_a_confidential_vm_reads_as_azure_native_records_it() -> None:
    resource = live_azure.virtual_machine(vm_json())
    assert resource.type == "azure-native:compute:VirtualMachine"
    assert resource.get("securityProfile.securityType") == "ConfidentialVM"
    assert resource.get("securityProfile.uefiSettings.vTpmEnabled") is True
    assert resource.get("storageProfile.osDisk.managedDisk.securityProfile."
                        "diskEncryptionSet.id") == DES_ID
    assert resource.get("hardwareProfile.vmSize") == "Standard_DC4as_v5"
    assert (resource.get("vmName"), resource.get("resourceGroupName")) == ("cvm", "confidential")
    assert resource.get("provisioningState") is None  # read-only bookkeeping is dropped
    assert resource.id == VM_ID


def test_a_vault_key_keeps_its_nested_properties_and_release_policy() -> None:
    resource = live_azure.key(key_json())
    assert resource.get("properties.kty") == "RSA-HSM"
    assert resource.get("properties.attributes.exportable") is True
    data = resource.get("properties.releasePolicy.data")
    assert json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))["anyOf"]
    assert resource.output("keyUri") == KEY_URL
    assert resource.get("vaultName") == "cvm-vault"


def test_a_guest_state_only_cvm_is_provider_keyed() -> None:
    graph = Graph([live_azure.virtual_machine(vm_json(encryption="VMGuestStateOnly", des=False))])
    messages = [f.message for f in evaluate(graph).findings
                if f.rule_id == "azure-compute-cvm-require-customer-key"]
    assert messages == [
        "storageProfile.osDisk.managedDisk.securityProfile.securityEncryptionType: "
        "VMGuestStateOnly: only the VM guest state is encrypted, with a platform-managed key"]


# --- the fetch layer ---------------------------------------------------------------


def test_reads_a_subscription_through_the_sdk(arm: LocalApi) -> None:
    subscription(arm)
    credential = AzureToken()
    connection, options = connect(arm, credential)
    read = live_azure.read(connection, options)
    assert read.gaps == []
    assert credential.scopes[0] == (f"{arm.url}/.default",)
    assert sorted(r.type for r in read.resources) == [
        "azure-native:compute:DiskEncryptionSet", "azure-native:compute:VirtualMachine",
        "azure-native:keyvault:Key", "azure-native:keyvault:Vault"]
    report = evaluate(Graph(read.resources))
    [workload] = report.workloads
    assert (workload["technologies"], workload["attestation_policy"]) == (["sev-snp"], "customer")
    assert [(k["custody"], k["attestation_bound"]) for k in workload["keys"]] == [
        ("customer-hsm", True)]
    assert report.passed


def test_a_refused_list_makes_the_read_partial(arm: LocalApi) -> None:
    subscription(arm, {("GET", f"{LIST}/Microsoft.Compute/disks"): (403, {"error": {
        "code": "AuthorizationFailed", "message": "no Microsoft.Compute/disks/read"}})})
    connection, options = connect(arm)
    read = live_azure.read(connection, options)
    assert [(g.api, g.reason, g.types) for g in read.gaps] == [
        ("Microsoft.Compute/disks/read", "AuthorizationFailed", ("azure-native:compute:Disk",))]
    report = evaluate(Graph([*read.resources, *(g.resource() for g in read.gaps)]))
    assert [f.rule_id for f in report.findings if f.blocking] == ["custodes-audit-partial-read"]


def test_throttling_is_retried_by_azure_core(arm: LocalApi) -> None:
    throttled = (429, {"error": {"code": "TooManyRequests", "message": "slow down"}})
    path = f"{LIST}/Microsoft.Compute/virtualMachines"
    subscription(arm, {("GET", path): [throttled, throttled, (200, {"value": [vm_json()]})]})
    connection, options = connect(arm, max_attempts=3, retry_initial_delay=0.01)
    read = live_azure.read(connection, options)
    assert arm.hits("GET", path) == 3
    assert read.gaps == []
    assert any(r.id == VM_ID for r in read.resources)


def test_a_rejected_token_is_one_clear_error(arm: LocalApi) -> None:
    subscription(arm, {("GET", f"{LIST}/Microsoft.Compute/virtualMachines"): (401, {"error": {
        "code": "InvalidAuthenticationToken", "message": "expired"}})})
    connection, options = connect(arm)
    with pytest.raises(CloudAccessError) as error:
        live_azure.read(connection, options)
    assert str(error.value) == ("azure: credentials refused by "
                                "Microsoft.Compute/virtualMachines/read "
                                "(InvalidAuthenticationToken)")


def test_locations_narrow_the_read(arm: LocalApi) -> None:
    elsewhere = vm_json(location="eastus")
    elsewhere.update(id=VM_ID.replace("/cvm", "/other"), name="other")
    subscription(arm, {("GET", f"{LIST}/Microsoft.Compute/virtualMachines"): (
        200, {"value": [vm_json(), elsewhere]})})
    connection, options = connect(arm, regions=("West Europe",))
    names = {r.name for r in live_azure.read(connection, options).resources
             if r.type == "azure-native:compute:VirtualMachine"}
    assert names == {"cvm"}


def test_missing_and_refused_credentials_are_one_clear_error() -> None:
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import CredentialUnavailableError

    options = LiveOptions(subscription=SUBSCRIPTION)
    with pytest.raises(CloudAccessError, match=r"^azure: no credentials found by "
                                               r"DefaultAzureCredential"):
        live_azure.connect(options, AzureToken(CredentialUnavailableError("nothing")))
    with pytest.raises(CloudAccessError, match=r"^azure: credentials refused by Microsoft "
                                               r"Entra ID"):
        live_azure.connect(options, AzureToken(ClientAuthenticationError("AADSTS7000215")))
    with pytest.raises(CloudAccessError, match=r"^azure: no subscription"):
        live_azure.connect(LiveOptions(), AzureToken())
