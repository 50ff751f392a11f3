"""A classic confidential VM on the customer's HSM key whose attached data disk has no disk encryption set."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")
vault = azure.keyvault.KeyVault(
    "payvault",
    name="payvault",
    resource_group_name=group.name,
    location="westeurope",
    tenant_id="11111111-1111-1111-1111-111111111111",
    sku_name="premium",
    purge_protection_enabled=True,
)
key = azure.keyvault.Key(
    "disk-key",
    name="cvm-disk",
    key_vault_id=vault.id,
    key_type="RSA-HSM",
    key_size=3072,
    key_opts=["wrapKey", "unwrapKey"],
)
disk_set = azure.compute.DiskEncryptionSet(
    "cvm-des",
    name="cvm-des",
    resource_group_name=group.name,
    location="westeurope",
    encryption_type="ConfidentialVmEncryptedWithCustomerKey",
    key_vault_key_id=key.id,
    identity={"type": "SystemAssigned"},
)
vm = azure.compute.LinuxVirtualMachine(
    "payments",
    name="payments",
    resource_group_name=group.name,
    location="westeurope",
    size="Standard_DC4as_v5",
    admin_username="ops",
    admin_ssh_keys=[{"username": "ops", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExample0000"}],
    network_interface_ids=["/subscriptions/0/resourceGroups/cvm-rg/providers/Microsoft.Network/networkInterfaces/payments"],
    vtpm_enabled=True,
    secure_boot_enabled=True,
    os_disk={
        "caching": "ReadWrite",
        "storage_account_type": "Premium_LRS",
        "security_encryption_type": "DiskWithVMGuestState",
        "secure_vm_disk_encryption_set_id": disk_set.id,
    },
    source_image_reference={"publisher": "Canonical", "offer": "0001-com-ubuntu-confidential-vm-jammy",
                            "sku": "22_04-lts-cvm", "version": "latest"},
)
data = azure.compute.ManagedDisk(
    "ledger-data",
    name="ledger-data",
    resource_group_name=group.name,
    location="westeurope",
    storage_account_type="Premium_LRS",
    create_option="Empty",
    disk_size_gb=256,
)
azure.compute.DataDiskAttachment(
    "ledger-data-attach",
    managed_disk_id=data.id,
    virtual_machine_id=vm.id,
    lun=0,
    caching="ReadWrite",
)
