"""A Service Fabric managed cluster node type of confidential VMs: custodes does not follow a node type's disk keys."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("sf-rg", resource_group_name="sf-rg")
cluster = azure.servicefabric.ManagedCluster(
    "payments-sf",
    cluster_name="payments-sf",
    resource_group_name=group.name,
    location="westeurope",
    admin_user_name="sfadmin",
    dns_name="payments-sf",
    sku={"name": "Standard"},
)

azure.servicefabric.NodeType(
    "confidential-nodes",
    node_type_name="confidential",
    cluster_name=cluster.name,
    resource_group_name=group.name,
    is_primary=False,
    vm_instance_count=3,
    vm_size="Standard_DC4as_v5",
    data_disk_size_gb=128,
    vm_image_publisher="MicrosoftWindowsServer",
    vm_image_offer="WindowsServer",
    vm_image_sku="2022-datacenter-smalldisk-g2",
    vm_image_version="latest",
    security_type="ConfidentialVM",
    secure_boot_enabled=True,
)
