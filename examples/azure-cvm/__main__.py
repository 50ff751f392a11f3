"""A confidential VM whose OS disk only the customer's HSM-held key can decrypt.

The key lives in Key Vault Premium as RSA-HSM, is exportable only under a Secure
Key Release policy, and that policy trusts the customer's own attestation
provider — not Microsoft's shared endpoint.
"""

import base64
import json

import pulumi
import pulumi_azure_native as azure

client = azure.authorization.get_client_config()
group = azure.resources.ResourceGroup("cvm-rg", resource_group_name="cvm-rg")

attestation = azure.attestation.AttestationProvider(
    "attest",
    provider_name="payattest",
    resource_group_name=group.name,
    location="westeurope",
    properties={},
)

vault = azure.keyvault.Vault(
    "vault",
    vault_name="payvault",
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
                    {"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"},
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

vm = azure.compute.VirtualMachine(
    "payments",
    vm_name="payments",
    resource_group_name=group.name,
    hardware_profile={"vm_size": "Standard_DC4as_v5"},
    security_profile={
        "security_type": "ConfidentialVM",
        "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True},
    },
    storage_profile={
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
    network_profile={"network_interfaces": [{"id": "/subscriptions/x/nic/payments"}]},
    os_profile={"computer_name": "payments", "admin_username": "ops",
                "linux_configuration": {"disable_password_authentication": True}},
    tags={"data-classification": "confidential"},
)

pulumi.export("vm_id", vm.id)
