"""Memory encryption asked of an Intel shape: OCI's confidential instances are AMD only."""

import pulumi_oci as oci

oci.core.Instance(
    "intel-cvm",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id="ocid1.compartment.oc1..aaaaaaaaintel",
    shape="VM.Standard3.Flex",
    platform_config={"type": "INTEL_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8"},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaaintel"},
)
