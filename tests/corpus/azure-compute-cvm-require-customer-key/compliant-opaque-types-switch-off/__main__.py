"""A Trusted Launch fleet, a Standard Service Fabric node type and a namespace with confidential compute Disabled."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("plain-rg", resource_group_name="plain-rg")

azure.azurefleet.Fleet(
    "web-fleet",
    fleet_name="web-fleet",
    resource_group_name=group.name,
    location="westeurope",
    vm_sizes_profile=[{"name": "Standard_D4s_v5"}],
    regular_priority_profile={"capacity": 2},
    compute_profile={"base_virtual_machine_profile": {
        "security_profile": {"security_type": "TrustedLaunch",
                             "uefi_settings": {"v_tpm_enabled": True,
                                               "secure_boot_enabled": True}},
    }},
)
cluster = azure.servicefabric.ManagedCluster(
    "web-sf",
    cluster_name="web-sf",
    resource_group_name=group.name,
    location="westeurope",
    admin_user_name="sfadmin",
    dns_name="web-sf",
    sku={"name": "Standard"},
)
azure.servicefabric.NodeType(
    "web-nodes",
    node_type_name="web",
    cluster_name=cluster.name,
    resource_group_name=group.name,
    is_primary=True,
    vm_instance_count=5,
    vm_size="Standard_D2s_v5",
    data_disk_size_gb=128,
    vm_image_publisher="MicrosoftWindowsServer",
    vm_image_offer="WindowsServer",
    vm_image_sku="2022-datacenter-smalldisk-g2",
    vm_image_version="latest",
    security_type="Standard",
)
azure.servicebus.Namespace(
    "events-bus",
    namespace_name="events-bus",
    resource_group_name=group.name,
    location="westeurope",
    sku={"name": "Premium", "tier": "Premium", "capacity": 1},
    platform_capabilities={"confidential_compute": {"mode": "Disabled"}},
)
