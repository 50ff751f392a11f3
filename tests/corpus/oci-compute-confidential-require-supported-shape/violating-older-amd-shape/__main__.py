"""Memory encryption asked of an E2 shape, an AMD generation without confidential instances."""

import pulumi_oci as oci

oci.core.Instance(
    "legacy-cvm",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id="ocid1.compartment.oc1..aaaaaaaalegacy",
    shape="VM.Standard.E2.2",
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8"},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaalegacy"},
)
