"""An Always Encrypted database with a VBS enclave."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("sql-rg", resource_group_name="sql-rg")

azure.sql.Database(
    "ledger",
    database_name="ledger",
    server_name="payments-sql",
    resource_group_name=group.name,
    sku={"name": "GP_Gen5_2", "tier": "GeneralPurpose"},
    preferred_enclave_type="VBS",
)
