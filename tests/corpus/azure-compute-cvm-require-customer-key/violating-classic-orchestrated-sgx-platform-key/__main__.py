"""A classic orchestrated scale set of SGX (DCsv3) instances whose disks use the platform key."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")

azure.compute.OrchestratedVirtualMachineScaleSet(
    "enclaves",
    name="enclaves",
    resource_group_name=group.name,
    location="westeurope",
    platform_fault_domain_count=1,
    sku_name="Standard_DC4s_v3",
    instances=2,
    os_disk={"caching": "ReadWrite", "storage_account_type": "Premium_LRS"},
)
