"""A Dataproc cluster of SEV Confidential VMs whose persistent disks use a Google-managed
key."""

import pulumi_gcp as gcp

gcp.dataproc.Cluster(
    "analytics",
    name="analytics",
    region="europe-west4",
    cluster_config={
        "gce_cluster_config": {
            "confidential_instance_config": {"enable_confidential_compute": True},
        },
        "master_config": {"machine_type": "n2d-standard-4"},
        "worker_config": {"machine_type": "n2d-standard-4", "num_instances": 2},
    },
)
