"""A SEV-SNP Confidential VM whose boot disk and data disk use the customer's HSM key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="payments", location="europe-west4")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="payments-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)
data = gcp.compute.Disk(
    "ledger-data",
    name="ledger-data",
    zone="europe-west4-a",
    size=200,
    disk_encryption_key={"kms_key_self_link": key.id},
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
    attached_disks=[{"source": data.self_link}],
    network_interfaces=[{"network": "default"}],
)
