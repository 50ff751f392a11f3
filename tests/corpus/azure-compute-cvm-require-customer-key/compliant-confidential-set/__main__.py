"""A confidential VM whose OS disk is confidential-encrypted with the customer's HSM key."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("payments-rg", resource_group_name="payments-rg")
client = azure.authorization.get_client_config()
vault = azure.keyvault.Vault(
    "vault",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={"tenant_id": client.tenant_id, "sku": {"family": "A", "name": "premium"},
                "enable_rbac_authorization": True, "enable_purge_protection": True},
)
key = azure.keyvault.Key(
    "disk-key",
    key_name="cvm-disk",
    vault_name=vault.name,
    resource_group_name=group.name,
    properties={"kty": "RSA-HSM", "key_size": 3072, "attributes": {"enabled": True}},
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
