"""A confidential bulk VM launch (Compute Bulk Actions): custodes does not follow the keys of a bulk request."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("burst-rg", resource_group_name="burst-rg")

azure.computebulkactions.BulkAction(
    "scoring-burst",
    name="scoring-burst",
    resource_group_name=group.name,
    location="westeurope",
    properties={
        "capacity": 10,
        "vm_sizes_profile": [{"name": "Standard_DC4es_v5"}],
        "priority_profile": {"type": "Regular"},
        "compute_profile": {"virtual_machine_profile": {
            "security_profile": {"security_type": "ConfidentialVM",
                                 "uefi_settings": {"v_tpm_enabled": True,
                                                   "secure_boot_enabled": True}},
            "storage_profile": {"os_disk": {"create_option": "FromImage", "managed_disk": {
                "security_profile": {"security_encryption_type": "DiskWithVMGuestState"}}}},
        }},
    },
)
