"""A classic-provider confidential node pool in a cluster without a disk encryption set."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")

cluster = azure.containerservice.KubernetesCluster(
    "aks",
    name="payments-aks",
    resource_group_name=group.name,
    location="westeurope",
    dns_prefix="payments",
    identity={"type": "SystemAssigned"},
    default_node_pool={"name": "system", "node_count": 3, "vm_size": "Standard_D4s_v5"},
)

azure.containerservice.KubernetesClusterNodePool(
    "confidential-pool",
    name="cvmpool",
    kubernetes_cluster_id=cluster.id,
    vm_size="Standard_DC8es_v5",
    node_count=2,
)
