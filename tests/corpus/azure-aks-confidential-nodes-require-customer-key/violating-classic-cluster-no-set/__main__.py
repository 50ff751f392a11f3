"""A classic-provider AKS cluster whose default pool is confidential, with no disk encryption set."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")

cluster = azure.containerservice.KubernetesCluster(
    "aks",
    name="payments-aks",
    resource_group_name=group.name,
    location="westeurope",
    dns_prefix="payments",
    identity={"type": "SystemAssigned"},
    default_node_pool={"name": "system", "node_count": 3, "vm_size": "Standard_DC4as_v5"},
)
