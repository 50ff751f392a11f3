"""A confidential container group without a CCE policy."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("aci-rg", resource_group_name="aci-rg")

azure.containerinstance.ContainerGroup(
    "payments",
    container_group_name="payments",
    resource_group_name=group.name,
    os_type="Linux",
    sku="Confidential",
    containers=[{"name": "app", "image": "mcr.microsoft.com/aci/helloworld:latest",
                 "resources": {"requests": {"cpu": 1, "memory_in_gb": 1.5}}}],
)
