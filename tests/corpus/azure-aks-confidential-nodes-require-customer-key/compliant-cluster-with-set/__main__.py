"""An AKS cluster with confidential nodes whose disks use the customer's disk encryption set."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("aks-rg", resource_group_name="aks-rg")
vault = azure.keyvault.Vault(
    "payvault",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={"tenant_id": "11111111-1111-1111-1111-111111111111",
                "sku": {"family": "A", "name": "premium"}},
)
key = azure.keyvault.Key(
    "aks-key",
    key_name="aks",
    vault_name=vault.name,
    resource_group_name=group.name,
    properties={"kty": "RSA-HSM", "key_size": 3072},
)
disk_set = azure.compute.DiskEncryptionSet(
    "aks-des",
    disk_encryption_set_name="aks-des",
    resource_group_name=group.name,
    encryption_type="EncryptionAtRestWithCustomerKey",
    identity={"type": "SystemAssigned"},
    active_key={"key_url": key.key_uri_with_version, "source_vault": {"id": vault.id}},
)

azure.containerservice.ManagedCluster(
    "aks",
    resource_name_="payments-aks",
    resource_group_name=group.name,
    dns_prefix="payments",
    identity={"type": "SystemAssigned"},
    disk_encryption_set_id=disk_set.id,
    agent_pool_profiles=[{"name": "system", "mode": "System", "count": 3,
                          "vm_size": "Standard_DC4as_v5", "os_type": "Linux"}],
)
