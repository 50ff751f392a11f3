"""A confidential instance on an HSM key, with an attached block volume on an Oracle-managed key."""

import pulumi_oci as oci

compartment = "ocid1.compartment.oc1..aaaaaaaapayments"
vault = oci.kms.Vault("vault", compartment_id=compartment, display_name="payments",
                      vault_type="DEFAULT")
key = oci.kms.Key(
    "boot-key",
    compartment_id=compartment,
    display_name="boot",
    key_shape={"algorithm": "AES", "length": 32},
    management_endpoint=vault.management_endpoint,
    protection_mode="HSM",
)
server = oci.core.Instance(
    "payments",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id=compartment,
    shape="VM.Standard.E4.Flex",
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8",
                    "kms_key_id": key.id},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaapayments"},
)
data = oci.core.Volume("ledger-data", compartment_id=compartment,
                       availability_domain="Uocm:US-ASHBURN-AD-1", size_in_gbs="100")
oci.core.VolumeAttachment("ledger-data-attachment", attachment_type="paravirtualized",
                          instance_id=server.id, volume_id=data.id)
