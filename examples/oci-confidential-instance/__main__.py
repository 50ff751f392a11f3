"""An AMD SEV confidential instance whose volumes are encrypted with a customer HSM key."""

import pulumi
import pulumi_oci as oci

config = pulumi.Config()
compartment = config.require("compartmentId")
zone = "Uocm:US-ASHBURN-AD-1"

# A virtual private vault: a dedicated HSM partition; its HSM key never leaves it.
vault = oci.kms.Vault("vault", compartment_id=compartment, display_name="confidential",
                      vault_type="VIRTUAL_PRIVATE")
key = oci.kms.Key(
    "volume-key",
    compartment_id=compartment,
    display_name="confidential-volumes",
    key_shape={"algorithm": "AES", "length": 32},
    management_endpoint=vault.management_endpoint,
    protection_mode="HSM",
)

server = oci.core.Instance(
    "settlement",
    availability_domain=zone,
    compartment_id=compartment,
    shape="VM.Standard.E4.Flex",
    shape_config={"ocpus": 2, "memory_in_gbs": 16},
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8",
                    "kms_key_id": key.id},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaaexample"},
)
data = oci.core.Volume("settlement-data", compartment_id=compartment, availability_domain=zone,
                       size_in_gbs="100", kms_key_id=key.id)
oci.core.VolumeAttachment("settlement-data", attachment_type="paravirtualized",
                          instance_id=server.id, volume_id=data.id)
