"""A SEV Confidential VM whose boot disk uses a Google-managed key."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-a",
    machine_type="n2d-standard-2",
    confidential_instance_config={"confidential_instance_type": "SEV"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"}},
    network_interfaces=[{"network": "default"}],
)
