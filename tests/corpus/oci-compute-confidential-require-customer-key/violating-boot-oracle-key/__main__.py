"""A confidential instance whose boot volume has no Vault key: Oracle holds the key."""

import pulumi_oci as oci

oci.core.Instance(
    "ledger",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id="ocid1.compartment.oc1..aaaaaaaaledger",
    shape="VM.Standard.E4.Flex",
    shape_config={"ocpus": 2, "memory_in_gbs": 16},
    platform_config={"type": "AMD_VM", "is_memory_encryption_enabled": True},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaoraclelinux"},
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaaledger"},
)
