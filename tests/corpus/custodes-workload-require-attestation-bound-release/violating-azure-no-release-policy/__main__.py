"""A confidential VM whose HSM disk key has no Secure Key Release policy."""

import pulumi_azure_native as azure

client = azure.authorization.get_client_config()
group = azure.resources.ResourceGroup("payments-rg", resource_group_name="payments-rg")
hsm = azure.keyvault.ManagedHsm(
    "hsm",
    name="payhsm",
    resource_group_name=group.name,
    sku={"family": "B", "name": "Standard_B1"},
    properties={"tenant_id": client.tenant_id, "initial_admin_object_ids": [client.object_id]},
)
key = azure.keyvault.Key(
    "disk-key",
    key_name="cvm-disk",
    vault_name=hsm.name,
    resource_group_name=group.name,
    properties={"kty": "RSA-HSM", "key_size": 3072},
)
disk_set = azure.compute.DiskEncryptionSet(
    "cvm-des",
    disk_encryption_set_name="cvm-des",
    resource_group_name=group.name,
    encryption_type="ConfidentialVmEncryptedWithCustomerKey",
    identity={"type": "SystemAssigned"},
    active_key={"key_url": key.key_uri_with_version},
)

azure.compute.VirtualMachine(
    "payments",
    vm_name="payments",
    resource_group_name=group.name,
    hardware_profile={"vm_size": "Standard_EC8es_v5"},
    security_profile={
        "security_type": "ConfidentialVM",
        "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True},
    },
    storage_profile={
        "os_disk": {
            "create_option": "FromImage",
            "managed_disk": {
                "security_profile": {"security_encryption_type": "DiskWithVMGuestState",
                                     "disk_encryption_set": {"id": disk_set.id}},
            },
        },
    },
)
