"""A GKE cluster with confidential nodes that names no machine type (GKE's default is e2-medium)."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="gke", location="us-central1")
key = gcp.kms.CryptoKey(
    "node-disks",
    name="node-disks",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.container.Cluster(
    "payments",
    name="payments",
    location="us-central1",
    initial_node_count=3,
    confidential_nodes={"enabled": True},
    node_config={"boot_disk_kms_key": key.id},
)
