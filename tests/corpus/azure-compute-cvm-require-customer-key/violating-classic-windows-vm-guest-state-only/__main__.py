"""A classic-provider confidential Windows VM that encrypts only its guest state."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")

azure.compute.WindowsVirtualMachine(
    "ledger",
    name="ledger",
    resource_group_name=group.name,
    location="westeurope",
    size="Standard_DC4as_v5",
    admin_username="ops",
    admin_password="Example-Passw0rd-Not-Real",
    network_interface_ids=["/subscriptions/0/resourceGroups/cvm-rg/providers/Microsoft.Network/networkInterfaces/ledger"],
    vtpm_enabled=True,
    secure_boot_enabled=True,
    os_disk={
        "caching": "ReadWrite",
        "storage_account_type": "Premium_LRS",
        "security_encryption_type": "VMGuestStateOnly",
    },
    source_image_reference={"publisher": "MicrosoftWindowsServer", "offer": "windowsserver",
                            "sku": "2022-datacenter-smalldisk-g2", "version": "latest"},
)
