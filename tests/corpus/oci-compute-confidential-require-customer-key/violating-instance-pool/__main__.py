"""An instance pool launching confidential instances from a configuration with no boot key."""

import pulumi_oci as oci

compartment = "ocid1.compartment.oc1..aaaaaaaabatch"
configuration = oci.core.InstanceConfiguration(
    "batch-config",
    compartment_id=compartment,
    instance_details={
        "instance_type": "compute",
        "launch_details": {
            "compartment_id": compartment,
            "shape": "VM.Standard.E4.Flex",
            "platform_config": {"type": "AMD_VM", "is_memory_encryption_enabled": True},
            "source_details": {"source_type": "image",
                               "image_id": "ocid1.image.oc1.iad.aaaaaaaaol8"},
        },
    },
)
oci.core.InstancePool(
    "batch-pool",
    compartment_id=compartment,
    instance_configuration_id=configuration.id,
    size=4,
    placement_configurations=[{"availability_domain": "Uocm:US-ASHBURN-AD-1",
                               "primary_subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaabatch"}],
)
