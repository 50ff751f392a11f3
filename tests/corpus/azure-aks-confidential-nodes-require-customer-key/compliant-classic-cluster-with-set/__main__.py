"""A classic-provider AKS cluster with confidential pools and the customer's disk encryption set."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")
vault = azure.keyvault.KeyVault(
    "payvault",
    name="payvault",
    resource_group_name=group.name,
    location="westeurope",
    tenant_id="11111111-1111-1111-1111-111111111111",
    sku_name="premium",
    purge_protection_enabled=True,
)
key = azure.keyvault.Key(
    "disk-key",
    name="cvm-disk",
    key_vault_id=vault.id,
    key_type="RSA-HSM",
    key_size=3072,
    key_opts=["wrapKey", "unwrapKey"],
)
disk_set = azure.compute.DiskEncryptionSet(
    "cvm-des",
    name="cvm-des",
    resource_group_name=group.name,
    location="westeurope",
    key_vault_key_id=key.id,
    identity={"type": "SystemAssigned"},
)

cluster = azure.containerservice.KubernetesCluster(
    "aks",
    name="payments-aks",
    resource_group_name=group.name,
    location="westeurope",
    dns_prefix="payments",
    identity={"type": "SystemAssigned"},
    disk_encryption_set_id=disk_set.id,
    default_node_pool={"name": "system", "node_count": 3, "vm_size": "Standard_DC4as_v5"},
)

azure.containerservice.KubernetesClusterNodePool(
    "confidential-pool",
    name="cvmpool",
    kubernetes_cluster_id=cluster.id,
    vm_size="Standard_DC8es_v5",
    node_count=2,
)
