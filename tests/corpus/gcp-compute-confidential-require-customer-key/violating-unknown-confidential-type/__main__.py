"""A Confidential VM whose confidentialInstanceType is newer than SEV, SEV_SNP and TDX (on an HSM key)."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="ledger", location="us-central1")
key = gcp.kms.CryptoKey(
    "ledger-disk",
    name="ledger-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.compute.Instance(
    "ledger",
    name="ledger",
    zone="us-central1-a",
    machine_type="c4a-standard-4",
    confidential_instance_config={"confidential_instance_type": "ARM_CCA"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2404-lts-arm64"},
               "kms_key_self_link": key.id},
    network_interfaces=[{"network": "default"}],
)
