"""A GKE node pool whose boot disks are in Confidential mode for Hyperdisk, with no customer key."""

import pulumi_gcp as gcp

cluster = gcp.container.Cluster(
    "payments",
    name="payments",
    location="us-central1",
    remove_default_node_pool=True,
    initial_node_count=1,
)

gcp.container.NodePool(
    "storage-pool",
    cluster=cluster.id,
    location="us-central1",
    node_count=2,
    node_config={"machine_type": "c3-standard-4", "disk_type": "hyperdisk-balanced",
                 "enable_confidential_storage": True},
)
