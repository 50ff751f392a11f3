"""A classic-provider confidential managed disk encrypted with the platform key."""

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")

azure.compute.ManagedDisk(
    "ledger-os",
    name="ledger-os",
    resource_group_name=group.name,
    location="westeurope",
    storage_account_type="Premium_LRS",
    create_option="FromImage",
    image_reference_id="/subscriptions/0/providers/Microsoft.Compute/locations/westeurope/publishers/Canonical/artifacttypes/vmimage/offers/0001-com-ubuntu-confidential-vm-jammy/skus/22_04-lts-cvm/versions/latest",
    hyper_v_generation="V2",
    security_type="ConfidentialVM_DiskEncryptedWithPlatformKey",
)
