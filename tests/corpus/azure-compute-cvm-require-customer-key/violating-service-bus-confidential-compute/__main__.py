"""A Premium Service Bus namespace with confidential compute: custodes does not follow the namespace's keys."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("bus-rg", resource_group_name="bus-rg")

azure.servicebus.Namespace(
    "payments-bus",
    namespace_name="payments-bus",
    resource_group_name=group.name,
    location="westeurope",
    sku={"name": "Premium", "tier": "Premium", "capacity": 1},
    platform_capabilities={"confidential_compute": {"mode": "Enabled"}},
)
