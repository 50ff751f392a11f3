"""A classic-provider SQL database with a VBS Always Encrypted enclave."""

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

azure.mssql.Database(
    "ledger-db",
    name="ledger",
    server_id=server.id,
    sku_name="GP_Gen5_2",
    enclave_type="VBS",
)
