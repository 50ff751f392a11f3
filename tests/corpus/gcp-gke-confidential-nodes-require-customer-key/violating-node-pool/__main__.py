"""A confidential GKE node pool without a boot disk key."""

import pulumi_gcp as gcp

cluster = gcp.container.Cluster(
    "payments",
    name="payments",
    location="us-central1",
    remove_default_node_pool=True,
    initial_node_count=1,
)

gcp.container.NodePool(
    "confidential-pool",
    cluster=cluster.name,
    location="us-central1",
    node_count=2,
    node_config={"machine_type": "n2d-standard-4", "confidential_nodes": {"enabled": True}},
)
