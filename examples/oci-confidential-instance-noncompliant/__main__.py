"""Two confidential OCI instances custodes rejects.

``ledger`` encrypts memory with AMD SEV, but its boot volume has no Vault key: Oracle
holds the key. ``reports`` asks for memory encryption on an Intel shape, which cannot
give it.
"""

import pulumi
import pulumi_oci as oci

config = pulumi.Config()
compartment = config.require("compartmentId")
zone = "Uocm:US-ASHBURN-AD-1"

oci.core.Instance(
    "ledger",
    availability_domain=zone,
    compartment_id=compartment,
    shape="VM.Standard.E4.Flex",
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8"},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaaexample"},
)
oci.core.Instance(
    "reports",
    availability_domain=zone,
    compartment_id=compartment,
    shape="VM.Standard3.Flex",
    platform_config={"type": "INTEL_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8"},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaaexample"},
)
