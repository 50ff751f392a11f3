"""A classic-provider SQL elastic pool with VBS Always Encrypted enclaves."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("sql-rg", name="sql-rg", location="westeurope")
server = azure.mssql.Server(
    "sql",
    name="payments-sql",
    resource_group_name=group.name,
    location="westeurope",
    version="12.0",
    azuread_administrator={"login_username": "sqladmins", "object_id": "22222222-2222-2222-2222-222222222222",
                           "azuread_authentication_only": True},
)

azure.mssql.ElasticPool(
    "ledger-pool",
    name="ledger-pool",
    resource_group_name=group.name,
    location="westeurope",
    server_name=server.name,
    max_size_gb=32,
    sku={"name": "GP_Gen5", "tier": "GeneralPurpose", "family": "Gen5", "capacity": 2},
    per_database_settings={"min_capacity": 0, "max_capacity": 2},
    enclave_type="VBS",
)
