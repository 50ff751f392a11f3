"""One instance of a confidential scale set declared on its own, with no disk encryption set."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("cvm-rg", resource_group_name="cvm-rg")

azure.compute.VirtualMachineScaleSetVM(
    "batch-cvmss-0",
    vm_scale_set_name="batch-cvmss",
    instance_id="0",
    resource_group_name=group.name,
    hardware_profile={"vm_size": "Standard_DC4as_v5"},
    security_profile={"security_type": "ConfidentialVM",
                      "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": True}},
    storage_profile={"os_disk": {"create_option": "FromImage", "managed_disk": {
        "storage_account_type": "Premium_LRS",
        "security_profile": {"security_encryption_type": "DiskWithVMGuestState"}}}},
)
