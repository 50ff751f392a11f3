"""A customer-key confidential disk whose disk encryption set is outside the stack."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("cvm-rg", resource_group_name="cvm-rg")

azure.compute.Disk(
    "ledger-os",
    disk_name="ledger-os",
    resource_group_name=group.name,
    creation_data={"create_option": "FromImage", "image_reference": {
        "id": "/subscriptions/0/providers/Microsoft.Compute/locations/westeurope/publishers/Canonical/artifacttypes/vmimage/offers/0001-com-ubuntu-confidential-vm-jammy/skus/22_04-lts-cvm/versions/latest"}},
    hyper_v_generation="V2",
    security_profile={
        "security_type": "ConfidentialVM_DiskEncryptedWithCustomerKey",
        "secure_vm_disk_encryption_set_id": "/subscriptions/0/resourceGroups/shared-rg/providers/Microsoft.Compute/diskEncryptionSets/shared-cvm-des",
    },
    sku={"name": "Premium_LRS"},
)
