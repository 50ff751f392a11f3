"""A GKE cluster with confidential nodes and no boot disk key."""

import pulumi_gcp as gcp

gcp.container.Cluster(
    "payments",
    name="payments",
    location="us-central1",
    initial_node_count=3,
    confidential_nodes={"enabled": True},
    node_config={"machine_type": "n2d-standard-4"},
)
