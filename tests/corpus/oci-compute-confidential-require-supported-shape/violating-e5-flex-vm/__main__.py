"""Memory encryption asked of VM.Standard.E5.Flex, which Oracle's confidential computing list leaves out."""

import pulumi_oci as oci

oci.core.Instance(
    "e5-cvm",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id="ocid1.compartment.oc1..aaaaaaaae5cvm",
    shape="VM.Standard.E5.Flex",
    shape_config={"ocpus": 2, "memory_in_gbs": 16},
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8"},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaae5cvm"},
)
