"""A confidential instance on VM.Standard.E4.Flex with the AMD_VM platform type."""

import pulumi_oci as oci

oci.core.Instance(
    "cvm",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id="ocid1.compartment.oc1..aaaaaaaacvm",
    shape="VM.Standard.E4.Flex",
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8"},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaacvm"},
)
