"""An azure-native elastic pool whose preferred Always Encrypted enclave type is VBS."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("sql-rg", resource_group_name="sql-rg")
server = azure.sql.Server("sql", server_name="payments-sql", resource_group_name=group.name,
                          administrators={"azure_ad_only_authentication": True,
                                          "login": "dba", "sid": "00000000-0000-0000-0000-000000000001"})

azure.sql.ElasticPool(
    "payments-pool",
    elastic_pool_name="payments-pool",
    server_name=server.name,
    resource_group_name=group.name,
    sku={"name": "GP_Gen5", "tier": "GeneralPurpose", "capacity": 2},
    preferred_enclave_type=azure.sql.AlwaysEncryptedEnclaveType.VBS,
)
