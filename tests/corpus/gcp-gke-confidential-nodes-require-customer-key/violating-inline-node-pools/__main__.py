"""A GKE cluster whose inline node pool has confidential nodes and no boot disk key."""

import pulumi_gcp as gcp

gcp.container.Cluster(
    "payments",
    name="payments",
    location="us-central1",
    node_pools=[
        {"name": "confidential", "node_count": 2,
         "node_config": {"machine_type": "n2d-standard-4",
                         "confidential_nodes": {"enabled": True,
                                                "confidential_instance_type": "SEV"}}},
    ],
)
