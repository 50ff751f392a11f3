"""An Always Encrypted database whose VBS enclave is chosen with the SDK enum."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("sql-rg", resource_group_name="sql-rg")
server = azure.sql.Server("sql", server_name="payments-sql", resource_group_name=group.name)

azure.sql.Database(
    "ledger",
    database_name="ledger",
    server_name=server.name,
    resource_group_name=group.name,
    preferred_enclave_type=azure.sql.AlwaysEncryptedEnclaveType.VBS,
)
