"""An instance configuration on an E4 shape, but with an Intel platform configuration type."""

import pulumi_oci as oci

compartment = "ocid1.compartment.oc1..aaaaaaaaconfig"
oci.core.InstanceConfiguration(
    "cvm-config",
    compartment_id=compartment,
    instance_details={
        "instance_type": "compute",
        "launch_details": {
            "compartment_id": compartment,
            "shape": "VM.Standard.E4.Flex",
            "platform_config": {"type": "INTEL_VM", "is_memory_encryption_enabled": True},
            "source_details": {"source_type": "image",
                               "image_id": "ocid1.image.oc1.iad.aaaaaaaaol8"},
        },
    },
)
