"""A confidential instance whose boot and data volumes use an HSM key in a private vault."""

import pulumi_oci as oci

compartment = "ocid1.compartment.oc1..aaaaaaaavault"
vault = oci.kms.Vault("vault", compartment_id=compartment, display_name="cc",
                      vault_type="VIRTUAL_PRIVATE")
key = oci.kms.Key(
    "key",
    compartment_id=compartment,
    display_name="cc",
    key_shape={"algorithm": "AES", "length": 32},
    management_endpoint=vault.management_endpoint,
    protection_mode="HSM",
)
server = oci.core.Instance(
    "settlement",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id=compartment,
    shape="VM.Standard.E4.Flex",
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8",
                    "kms_key_id": key.id},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaavault"},
)
data = oci.core.Volume("settlement-data", compartment_id=compartment,
                       availability_domain="Uocm:US-ASHBURN-AD-1", size_in_gbs="100",
                       kms_key_id=key.id)
oci.core.VolumeAttachment("settlement-data-attachment", attachment_type="paravirtualized",
                          instance_id=server.id, volume_id=data.id)
