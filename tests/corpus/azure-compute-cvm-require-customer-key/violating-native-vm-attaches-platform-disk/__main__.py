"""An azure-native confidential VM on a customer HSM set that attaches an unkeyed existing data disk."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("cvm-rg", resource_group_name="cvm-rg")
vault = azure.keyvault.Vault(
    "payvault",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={"tenant_id": "11111111-1111-1111-1111-111111111111",
                "sku": {"family": "A", "name": "premium"}, "enable_purge_protection": True},
)
key = azure.keyvault.Key(
    "disk-key",
    key_name="cvm-disk",
    vault_name=vault.name,
    resource_group_name=group.name,
    properties={"kty": "RSA-HSM", "key_size": 3072},
)
disk_set = azure.compute.DiskEncryptionSet(
    "cvm-des",
    disk_encryption_set_name="cvm-des",
    resource_group_name=group.name,
    encryption_type="ConfidentialVmEncryptedWithCustomerKey",
    active_key={"key_url": key.key_uri_with_version},
    identity={"type": "SystemAssigned"},
)
data = azure.compute.Disk(
    "ledger-data",
    disk_name="ledger-data",
    resource_group_name=group.name,
    creation_data={"create_option": "Empty"},
    disk_size_gb=256,
    sku={"name": "Premium_LRS"},
)

azure.compute.VirtualMachine(
    "payments",
    vm_name="payments",
    resource_group_name=group.name,
    hardware_profile={"vm_size": "Standard_DC4as_v5"},
    security_profile={"security_type": "ConfidentialVM",
                      "uefi_settings": {"v_tpm_enabled": True, "secure_boot_enabled": True}},
    network_profile={"network_interfaces": [{"id": "/subscriptions/0/resourceGroups/cvm-rg/providers/Microsoft.Network/networkInterfaces/payments"}]},
    storage_profile={
        "image_reference": {"publisher": "Canonical", "offer": "0001-com-ubuntu-confidential-vm-jammy",
                            "sku": "22_04-lts-cvm", "version": "latest"},
        "os_disk": {"create_option": "FromImage", "managed_disk": {
            "storage_account_type": "Premium_LRS",
            "security_profile": {"security_encryption_type": "DiskWithVMGuestState",
                                 "disk_encryption_set": {"id": disk_set.id}}}},
        "data_disks": [{"lun": 0, "create_option": "Attach",
                        "managed_disk": {"id": data.id}}],
    },
)
