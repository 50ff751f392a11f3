"""A classic-provider confidential Linux VM with no secure VM disk encryption set."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")

azure.compute.LinuxVirtualMachine(
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
    },
    source_image_reference={"publisher": "Canonical", "offer": "0001-com-ubuntu-confidential-vm-jammy",
                            "sku": "22_04-lts-cvm", "version": "latest"},
)
