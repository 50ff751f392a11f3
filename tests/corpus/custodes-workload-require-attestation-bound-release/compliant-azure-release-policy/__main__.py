"""A confidential VM whose disk key is released only to TEEs the customer's attestation provider vouches for."""

import base64
import json

import pulumi_azure_native as azure

client = azure.authorization.get_client_config()
group = azure.resources.ResourceGroup("payments-rg", resource_group_name="payments-rg")
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
    properties={"tenant_id": client.tenant_id, "sku": {"family": "A", "name": "premium"},
                "enable_rbac_authorization": True, "enable_purge_protection": True},
)


def release_policy(authority: str) -> str:
    policy = {
        "version": "1.0.0",
        "anyOf": [{
            "authority": authority,
            "allOf": [{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}],
        }],
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

azure.compute.VirtualMachine(
    "payments",
    vm_name="payments",
    resource_group_name=group.name,
    hardware_profile={"vm_size": "Standard_DC4as_v5"},
    security_profile={
        "security_type": "ConfidentialVM",
        "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True},
    },
    storage_profile={
        "image_reference": {"publisher": "Canonical",
                            "offer": "0001-com-ubuntu-confidential-vm-jammy",
                            "sku": "22_04-lts-cvm", "version": "latest"},
        "os_disk": {
            "create_option": "FromImage",
            "managed_disk": {
                "storage_account_type": "Premium_LRS",
                "security_profile": {"security_encryption_type": "DiskWithVMGuestState",
                                     "disk_encryption_set": {"id": disk_set.id}},
            },
        },
    },
    network_profile={"network_interfaces": [{"id": "/subscriptions/0/nic/payments"}]},
)
