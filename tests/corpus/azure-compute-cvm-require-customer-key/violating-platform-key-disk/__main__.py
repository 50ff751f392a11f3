"""A confidential managed disk whose security type uses a platform-managed key."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("payments-rg", resource_group_name="payments-rg")

azure.compute.Disk(
    "ledger-os",
    disk_name="ledger-os",
    resource_group_name=group.name,
    location="westeurope",
    creation_data={
        "create_option": "FromImage",
        "image_reference": {"id": "/Subscriptions/0/Providers/Microsoft.Compute/Locations/westeurope/Publishers/Canonical/ArtifactTypes/VMImage/Offers/0001-com-ubuntu-confidential-vm-jammy/Skus/22_04-lts-cvm/Versions/latest"},
    },
    os_type="Linux",
    hyper_v_generation="V2",
    security_profile={"security_type": "ConfidentialVM_DiskEncryptedWithPlatformKey"},
    sku={"name": "Premium_LRS"},
)
