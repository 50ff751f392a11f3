"""An Azure Trusted Launch VM tagged data-classification=Restricted."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("ledger-rg", resource_group_name="ledger-rg")

azure.compute.VirtualMachine(
    "ledger-vm",
    vm_name="ledger",
    resource_group_name=group.name,
    hardware_profile={"vm_size": "Standard_D4s_v5"},
    security_profile={
        "security_type": "TrustedLaunch",
        "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True},
    },
    storage_profile={
        "image_reference": {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy",
                            "sku": "22_04-lts-gen2", "version": "latest"},
        "os_disk": {"create_option": "FromImage",
                    "managed_disk": {"storage_account_type": "Premium_LRS"}},
    },
    network_profile={"network_interfaces": [{"id": "/subscriptions/0/nic/ledger"}]},
    os_profile={"computer_name": "ledger", "admin_username": "ops",
                "linux_configuration": {"disable_password_authentication": True}},
    tags={"data-classification": "Restricted"},
)
