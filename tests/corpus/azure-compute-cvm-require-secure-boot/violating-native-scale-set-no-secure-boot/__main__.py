"""A confidential scale set without Secure Boot."""

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
    identity={"type": "SystemAssigned"},
    active_key={"key_url": key.key_uri_with_version, "source_vault": {"id": vault.id}},
)

azure.compute.VirtualMachineScaleSet(
    "batch-cvmss",
    vm_scale_set_name="batch-cvmss",
    resource_group_name=group.name,
    sku={"name": "Standard_DC4as_v5", "tier": "Standard", "capacity": 2},
    upgrade_policy={"mode": "Manual"},
    virtual_machine_profile={
        "security_profile": {
            "security_type": "ConfidentialVM",
            "uefi_settings": {"secure_boot_enabled": False, "v_tpm_enabled": True},
        },
        "os_profile": {"computer_name_prefix": "batch-cv", "admin_username": "ops",
                       "linux_configuration": {"disable_password_authentication": True}},
        "storage_profile": {
            "image_reference": {"publisher": "Canonical", "offer": "0001-com-ubuntu-confidential-vm-jammy",
                        "sku": "22_04-lts-cvm", "version": "latest"},
            "os_disk": {"create_option": "FromImage", "managed_disk": {
                "storage_account_type": "Premium_LRS",
                "security_profile": {"security_encryption_type": "DiskWithVMGuestState", "disk_encryption_set": {"id": disk_set.id}}}},
        },
        "network_profile": {"network_interface_configurations": [{
            "name": "nic", "primary": True,
            "ip_configurations": [{"name": "ip", "subnet": {"id": "/subscriptions/0/resourceGroups/cvm-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"}}]}]},
    },
)
