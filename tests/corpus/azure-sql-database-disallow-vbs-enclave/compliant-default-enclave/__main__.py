"""An Always Encrypted database with the Default (SGX) enclave type."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("sql-rg", resource_group_name="sql-rg")
server = azure.sql.Server("sql", server_name="payments-sql", resource_group_name=group.name,
                          administrators={"azure_ad_only_authentication": True,
                                          "login": "dba", "sid": "00000000-0000-0000-0000-000000000001"})

azure.sql.Database(
    "ledger",
    database_name="ledger",
    server_name=server.name,
    resource_group_name=group.name,
    sku={"name": "GP_DC_2", "tier": "GeneralPurpose"},
    preferred_enclave_type="Default",
)
