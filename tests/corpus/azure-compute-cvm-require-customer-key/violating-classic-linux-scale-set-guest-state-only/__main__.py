"""A classic-provider confidential Linux scale set that encrypts only its guest state."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")

azure.compute.LinuxVirtualMachineScaleSet(
    "batch",
    name="batch",
    resource_group_name=group.name,
    location="westeurope",
    sku="Standard_DC4as_v5",
    instances=2,
    admin_username="ops",
    admin_ssh_keys=[{"username": "ops", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExample0000"}],
    vtpm_enabled=True,
    secure_boot_enabled=True,
    os_disk={
        "caching": "ReadWrite",
        "storage_account_type": "Premium_LRS",
        "security_encryption_type": "VMGuestStateOnly",
    },
    source_image_reference={"publisher": "Canonical", "offer": "0001-com-ubuntu-confidential-vm-jammy",
                            "sku": "22_04-lts-cvm", "version": "latest"},
    network_interfaces=[{"name": "nic", "primary": True, "ip_configurations": [{
        "name": "ip", "primary": True, "subnet_id": "/subscriptions/0/resourceGroups/cvm-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"}]}],
)
