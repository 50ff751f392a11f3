"""An AKS cluster whose confidential node pool's disks are platform-keyed."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("aks-rg", resource_group_name="aks-rg")

azure.containerservice.ManagedCluster(
    "aks",
    resource_name_="payments-aks",
    resource_group_name=group.name,
    dns_prefix="payments",
    identity={"type": "SystemAssigned"},
    agent_pool_profiles=[{"name": "system", "mode": "System", "count": 3,
                          "vm_size": "Standard_DC4as_v5", "os_type": "Linux"}],
)
