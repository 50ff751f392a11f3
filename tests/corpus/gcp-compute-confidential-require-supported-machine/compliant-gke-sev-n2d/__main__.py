"""Confidential GKE nodes on N2D machines, next to a plain cluster's E2 pool."""

import pulumi_gcp as gcp

cluster = gcp.container.Cluster(
    "payments",
    name="payments",
    location="us-central1",
    remove_default_node_pool=True,
    initial_node_count=1,
    node_config={"machine_type": "e2-medium"},
    confidential_nodes={"enabled": True},
)
gcp.container.NodePool(
    "ledger-pool",
    cluster=cluster.id,
    location="us-central1",
    node_count=2,
    node_config={"machine_type": "n2d-standard-4"},
)

web = gcp.container.Cluster(
    "web",
    name="web",
    location="us-central1",
    remove_default_node_pool=True,
    initial_node_count=1,
)
gcp.container.NodePool(
    "web-pool",
    cluster=web.id,
    location="us-central1",
    node_count=2,
    node_config={"machine_type": "e2-standard-4"},
)
