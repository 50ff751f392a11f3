"""An AKS cluster with an ordinary system pool and a confidential user pool, no customer key."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("aks-rg", resource_group_name="aks-rg")

azure.containerservice.ManagedCluster(
    "aks",
    resource_name_="payments-aks",
    resource_group_name=group.name,
    dns_prefix="payments",
    identity={"type": "SystemAssigned"},
    agent_pool_profiles=[
        {"name": "system", "mode": "System", "count": 2, "vm_size": "Standard_D4s_v5"},
        {"name": "confidential", "mode": "User", "count": 3, "vm_size": "Standard_DC8es_v5"},
    ],
)
