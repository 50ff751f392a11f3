"""An instance made from a TDX template, with its own boot disk on the customer's HSM
key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="research", location="europe-west4")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="research-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.compute.InstanceFromTemplate(
    "batch-1",
    name="batch-1",
    zone="europe-west4-a",
    source_instance_template="projects/research/global/instanceTemplates/batch-tdx",
    machine_type="c3-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2404-lts"},
               "kms_key_self_link": key.id},
    attached_disks=[],
)
