"""A confidential container group pinned to its containers by a CCE policy."""

import base64

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("aci-rg", resource_group_name="aci-rg")
cce_policy = base64.b64encode(b"package policy\napi_svn := \"0.10.0\"\n").decode()

azure.containerinstance.ContainerGroup(
    "payments",
    container_group_name="payments",
    resource_group_name=group.name,
    os_type="Linux",
    sku="Confidential",
    confidential_compute_properties={"cce_policy": cce_policy},
    containers=[{"name": "app", "image": "mcr.microsoft.com/aci/helloworld:latest",
                 "resources": {"requests": {"cpu": 1, "memory_in_gb": 1.5}}}],
)
