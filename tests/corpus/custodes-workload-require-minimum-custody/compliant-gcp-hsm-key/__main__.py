"""A SEV-SNP Confidential VM whose boot disk key is an HSM-protected Cloud KMS key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="payments", location="europe-west4")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="payments-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="europe-west4-a",
    machine_type="n2d-standard-4",
    min_cpu_platform="AMD Milan",
    confidential_instance_config={"confidential_instance_type": "SEV_SNP"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"},
               "kms_key_self_link": key.id},
    network_interfaces=[{"network": "default"}],
)
