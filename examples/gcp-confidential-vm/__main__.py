"""A SEV-SNP Confidential VM whose boot disk only the customer's HSM key can decrypt."""

import pulumi
import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="payments", location="europe-west4")

disk_key = gcp.kms.CryptoKey(
    "disk-key",
    name="payments-disk",
    key_ring=ring.id,
    purpose="ENCRYPT_DECRYPT",
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

vm = gcp.compute.Instance(
    "payments",
    name="payments",
    zone="europe-west4-a",
    machine_type="n2d-standard-4",
    min_cpu_platform="AMD Milan",
    confidential_instance_config={"confidential_instance_type": "SEV_SNP"},
    scheduling={"on_host_maintenance": "TERMINATE", "automatic_restart": True},
    shielded_instance_config={
        "enable_secure_boot": True,
        "enable_vtpm": True,
        "enable_integrity_monitoring": True,
    },
    boot_disk={
        "initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"},
        "kms_key_self_link": disk_key.id,
    },
    network_interfaces=[{"network": "default"}],
    labels={"data-classification": "confidential"},
)

pulumi.export("instance", vm.self_link)
