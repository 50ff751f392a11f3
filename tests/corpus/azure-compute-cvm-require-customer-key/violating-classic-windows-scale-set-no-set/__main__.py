"""A classic-provider confidential Windows scale set with no secure VM disk encryption set."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")

azure.compute.WindowsVirtualMachineScaleSet(
    "winbatch",
    name="winbatch",
    resource_group_name=group.name,
    location="westeurope",
    sku="Standard_DC4as_v5",
    instances=2,
    admin_username="ops",
    admin_password="Example-Passw0rd-Not-Real",
    vtpm_enabled=True,
    secure_boot_enabled=True,
    os_disk={
        "caching": "ReadWrite",
        "storage_account_type": "Premium_LRS",
        "security_encryption_type": "DiskWithVMGuestState",
    },
    source_image_reference={"publisher": "MicrosoftWindowsServer", "offer": "windowsserver",
                            "sku": "2022-datacenter-smalldisk-g2", "version": "latest"},
    network_interfaces=[{"name": "nic", "primary": True, "ip_configurations": [{
        "name": "ip", "primary": True, "subnet_id": "/subscriptions/0/resourceGroups/cvm-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"}]}],
)
