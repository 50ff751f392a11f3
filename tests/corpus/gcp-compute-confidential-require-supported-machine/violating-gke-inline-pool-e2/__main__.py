"""A GKE cluster whose inline confidential node pool runs E2 machines (no SEV)."""

import pulumi_gcp as gcp

gcp.container.Cluster(
    "payments",
    name="payments",
    location="us-central1",
    node_pools=[
        {"name": "web", "node_count": 2, "node_config": {"machine_type": "e2-standard-4"}},
        {"name": "ledger", "node_count": 2,
         "node_config": {"machine_type": "e2-standard-4",
                         "confidential_nodes": {"enabled": True}}},
    ],
)
