"""A confidential VM requested on Standard_E4as_v5."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("payments-rg", resource_group_name="payments-rg")

azure.compute.VirtualMachine(
    "payments",
    vm_name="payments",
    resource_group_name=group.name,
    hardware_profile={"vm_size": "Standard_E4as_v5"},
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
                "security_profile": {"security_encryption_type": "VMGuestStateOnly"},
            },
        },
    },
    network_profile={"network_interfaces": [{"id": "/subscriptions/0/nic/payments"}]},
)
