"""A confidential Batch pool of the classic azure provider: custodes does not follow a Batch account's node disk keys."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("batch-rg", name="batch-rg", location="westeurope")
account = azure.batch.Account(
    "paybatch",
    name="paybatch",
    resource_group_name=group.name,
    location="westeurope",
    pool_allocation_mode="BatchService",
)

azure.batch.Pool(
    "scoring",
    name="scoring",
    account_name=account.name,
    resource_group_name=group.name,
    vm_size="Standard_DC4as_v5",
    node_agent_sku_id="batch.node.ubuntu 22.04",
    storage_image_reference={"publisher": "Canonical",
                             "offer": "0001-com-ubuntu-confidential-vm-jammy",
                             "sku": "22_04-lts-cvm", "version": "latest"},
    fixed_scale={"target_dedicated_nodes": 2},
    security_profile={"security_type": "confidentialVM", "vtpm_enabled": True,
                      "secure_boot_enabled": True},
)
