"""A confidential Batch pool: custodes does not follow a Batch account's node disk keys."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("batch-rg", resource_group_name="batch-rg")

azure.batch.Pool(
    "scoring",
    pool_name="scoring",
    account_name="paybatch",
    resource_group_name=group.name,
    vm_size="Standard_DC4as_v5",
    deployment_configuration={"virtual_machine_configuration": {
        "image_reference": {"publisher": "Canonical",
                            "offer": "0001-com-ubuntu-confidential-vm-jammy",
                            "sku": "22_04-lts-cvm", "version": "latest"},
        "node_agent_sku_id": "batch.node.ubuntu 22.04",
        "security_profile": {"security_type": "confidentialVM", "uefi_settings": {"v_tpm_enabled": True, "secure_boot_enabled": True}},
    }},
)
