"""A Confidential VM whose boot disk uses a Cloud KMS key, not a raw key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="payments", location="us-central1")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="payments-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-a",
    machine_type="n2d-standard-2",
    confidential_instance_config={"confidential_instance_type": "SEV"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"},
               "kms_key_self_link": key.id},
    network_interfaces=[{"network": "default"}],
)
