"""A confidential AgentPool resource on an AKS cluster that names no disk encryption set."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("aks-rg", resource_group_name="aks-rg")

cluster = azure.containerservice.ManagedCluster(
    "aks",
    resource_name_="payments-aks",
    resource_group_name=group.name,
    dns_prefix="payments",
    identity={"type": "SystemAssigned"},
    agent_pool_profiles=[{"name": "system", "mode": "System", "count": 2,
                          "vm_size": "Standard_D4s_v5"}],
)

azure.containerservice.AgentPool(
    "confidential-pool",
    agent_pool_name="confidential",
    resource_group_name=group.name,
    resource_name_=cluster.name,
    mode="User",
    count=3,
    vm_size="Standard_DC4as_v5",
)
