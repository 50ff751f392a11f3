"""A node pool of a cluster with TDX confidential nodes, on an AMD N2D machine type."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="gke", location="us-central1")
key = gcp.kms.CryptoKey(
    "node-disks",
    name="node-disks",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

cluster = gcp.container.Cluster(
    "payments",
    name="payments",
    location="us-central1",
    remove_default_node_pool=True,
    initial_node_count=1,
    confidential_nodes={"enabled": True, "confidential_instance_type": "TDX"},
)

gcp.container.NodePool(
    "ledger-pool",
    cluster=cluster.id,
    location="us-central1",
    node_count=2,
    node_config={"machine_type": "n2d-standard-4", "boot_disk_kms_key": key.id},
)
