"""A database in an elastic pool with a VBS enclave."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("sql-rg", resource_group_name="sql-rg")
server = azure.sql.Server("sql", server_name="payments-sql", resource_group_name=group.name)
pool = azure.sql.ElasticPool("pool", elastic_pool_name="payments-pool", server_name=server.name,
                             resource_group_name=group.name,
                             sku={"name": "GP_Gen5", "tier": "GeneralPurpose", "capacity": 2})

for name in ("ledger", "audit"):
    azure.sql.Database(
        name,
        database_name=name,
        server_name=server.name,
        resource_group_name=group.name,
        elastic_pool_id=pool.id,
        preferred_enclave_type="VBS" if name == "ledger" else "Default",
    )
