"""A confidential container group whose deployment data uses a Microsoft-managed key."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("cvm-rg", resource_group_name="cvm-rg")

azure.containerinstance.ContainerGroup(
    "scoring",
    container_group_name="scoring",
    resource_group_name=group.name,
    os_type="Linux",
    sku="Confidential",
    confidential_compute_properties={"cce_policy": "cGFja2FnZSBwb2xpY3k="},
    containers=[{"name": "app", "image": "mcr.microsoft.com/aci/skr:2.7",
                 "resources": {"requests": {"cpu": 1, "memory_in_gb": 2}}}],
)
