"""A Workbench instance on a SEV Confidential VM whose boot and data disks use the
customer's HSM key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="research", location="europe-west4")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="research-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.workbench.Instance(
    "notebook",
    name="notebook",
    location="europe-west4-a",
    gce_setup={
        "machine_type": "n2d-standard-4",
        "confidential_instance_config": {"confidential_instance_type": "SEV"},
        "boot_disk": {"disk_encryption": "CMEK", "kms_key": key.id},
        "data_disks": {"disk_size_gb": "200", "disk_encryption": "CMEK", "kms_key": key.id},
    },
)
