"""A confidential Azure Compute Fleet: custodes does not follow the keys of a fleet's base VM profile."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("fleet-rg", resource_group_name="fleet-rg")

azure.azurefleet.Fleet(
    "scoring-fleet",
    fleet_name="scoring-fleet",
    resource_group_name=group.name,
    location="westeurope",
    vm_sizes_profile=[{"name": "Standard_DC4as_v5"}, {"name": "Standard_DC8as_v5"}],
    regular_priority_profile={"capacity": 2, "min_capacity": 1},
    compute_profile={"base_virtual_machine_profile": {
        "security_profile": {"security_type": "ConfidentialVM",
                             "uefi_settings": {"v_tpm_enabled": True,
                                               "secure_boot_enabled": True}},
        "storage_profile": {
            "image_reference": {"publisher": "Canonical",
                                "offer": "0001-com-ubuntu-confidential-vm-jammy",
                                "sku": "22_04-lts-cvm", "version": "latest"},
            "os_disk": {"create_option": "FromImage", "managed_disk": {
                "storage_account_type": "Premium_LRS",
                "security_profile": {"security_encryption_type": "VMGuestStateOnly"}}},
        },
    }},
)
