"""A confidential instance that creates a data volume at launch without a Vault key."""

import pulumi_oci as oci

compartment = "ocid1.compartment.oc1..aaaaaaaaanalytics"
vault = oci.kms.Vault("vault", compartment_id=compartment, display_name="analytics",
                      vault_type="VIRTUAL_PRIVATE")
key = oci.kms.Key(
    "key",
    compartment_id=compartment,
    display_name="analytics",
    key_shape={"algorithm": "AES", "length": 32},
    management_endpoint=vault.management_endpoint,
)
oci.core.Instance(
    "analytics",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id=compartment,
    shape="VM.Standard.E4.Flex",
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaol8",
                    "kms_key_id": key.id},
    launch_volume_attachments=[{
        "type": "paravirtualized",
        "display_name": "scratch",
        "launch_create_volume_details": {"volume_creation_type": "ATTRIBUTES",
                                         "size_in_gbs": "200",
                                         "compartment_id": compartment},
    }],
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaaanalytics"},
)
