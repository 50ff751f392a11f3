"""A confidential VM scale set (Intel TDX, DCesv5) whose every instance's OS disk only the
customer's HSM-held key can decrypt.

Each instance is a ConfidentialVM with a vTPM and Secure Boot; its OS disk is
DiskWithVMGuestState with a ConfidentialVmEncryptedWithCustomerKey disk encryption set.
The RSA-HSM key in Key Vault Premium is exportable only under a Secure Key Release
policy that trusts the customer's own attestation provider.
"""

import base64
import json

import pulumi
import pulumi_azure_native as azure

client = azure.authorization.get_client_config()
group = azure.resources.ResourceGroup("cvmss-rg", resource_group_name="cvmss-rg")

attestation = azure.attestation.AttestationProvider(
    "attest",
    provider_name="workersattest",
    resource_group_name=group.name,
    location="westeurope",
    properties={},
)

vault = azure.keyvault.Vault(
    "vault",
    vault_name="workersvault",
    resource_group_name=group.name,
    properties={
        "tenant_id": client.tenant_id,
        "sku": {"family": "A", "name": "premium"},
        "enable_purge_protection": True,
        "enable_rbac_authorization": True,
    },
)


def release_policy(authority: str) -> str:
    policy = {
        "version": "1.0.0",
        "anyOf": [
            {
                "authority": authority,
                "allOf": [
                    {"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "tdxvm"},
                    {"claim": "x-ms-isolation-tee.x-ms-compliance-status",
                     "equals": "azure-compliant-cvm"},
                ],
            }
        ],
    }
    return base64.urlsafe_b64encode(json.dumps(policy).encode()).decode().rstrip("=")


key = azure.keyvault.Key(
    "disk-key",
    key_name="cvm-disk",
    vault_name=vault.name,
    resource_group_name=group.name,
    properties={
        "kty": "RSA-HSM",
        "key_size": 3072,
        "attributes": {"enabled": True, "exportable": True},
        "release_policy": {"data": attestation.attest_uri.apply(release_policy)},
    },
)

disk_set = azure.compute.DiskEncryptionSet(
    "cvm-des",
    disk_encryption_set_name="cvm-des",
    resource_group_name=group.name,
    encryption_type="ConfidentialVmEncryptedWithCustomerKey",
    identity={"type": "SystemAssigned"},
    active_key={"key_url": key.key_uri_with_version, "source_vault": {"id": vault.id}},
)

scale_set = azure.compute.VirtualMachineScaleSet(
    "payments-workers",
    vm_scale_set_name="payments-workers",
    resource_group_name=group.name,
    sku={"name": "Standard_DC4es_v5", "tier": "Standard", "capacity": 3},
    overprovision=False,
    upgrade_policy={"mode": "Manual"},
    virtual_machine_profile={
        "security_profile": {
            "security_type": "ConfidentialVM",
            "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True},
        },
        "os_profile": {
            "computer_name_prefix": "payments",
            "admin_username": "ops",
            "linux_configuration": {"disable_password_authentication": True},
        },
        "storage_profile": {
            "image_reference": {
                "publisher": "Canonical",
                "offer": "0001-com-ubuntu-confidential-vm-jammy",
                "sku": "22_04-lts-cvm",
                "version": "latest",
            },
            "os_disk": {
                "create_option": "FromImage",
                "managed_disk": {
                    "storage_account_type": "Premium_LRS",
                    "security_profile": {
                        "security_encryption_type": "DiskWithVMGuestState",
                        "disk_encryption_set": {"id": disk_set.id},
                    },
                },
            },
        },
        "network_profile": {"network_interface_configurations": [{
            "name": "nic",
            "primary": True,
            "ip_configurations": [{"name": "ip", "subnet": {
                "id": "/subscriptions/x/resourceGroups/cvmss-rg/providers/Microsoft.Network/"
                      "virtualNetworks/vnet/subnets/workers"}}],
        }]},
    },
    tags={"data-classification": "confidential"},
)

pulumi.export("scale_set_id", scale_set.id)
