"""A TDX Confidential VM requested on n2d-standard-4."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-a",
    machine_type="n2d-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"}},
    network_interfaces=[{"network": "default"}],
)
