"""A Workstations configuration on SEV Confidential VMs whose disks use a generated Google
key."""

import pulumi_gcp as gcp

gcp.workstations.WorkstationConfig(
    "desktops",
    workstation_config_id="desktops",
    workstation_cluster_id="engineering",
    location="europe-west4",
    host={"gce_instance": {
        "machine_type": "n2d-standard-4",
        "confidential_instance_config": {"enable_confidential_compute": True},
    }},
)
