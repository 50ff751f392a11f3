"""A Hyperdisk Balanced volume in Confidential mode, encrypted with an HSM Cloud KMS key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="ledger", location="us-central1")
key = gcp.kms.CryptoKey(
    "ledger-disk",
    name="ledger-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.compute.Disk(
    "ledger-data",
    name="ledger-data",
    zone="us-central1-a",
    type="hyperdisk-balanced",
    size=200,
    enable_confidential_compute=True,
    disk_encryption_key={"kms_key_self_link": key.id},
)
