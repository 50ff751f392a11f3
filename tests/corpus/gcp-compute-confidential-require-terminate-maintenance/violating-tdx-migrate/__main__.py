"""A TDX Confidential VM set to live-migrate."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-a",
    machine_type="c3-standard-8",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "MIGRATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"}},
    network_interfaces=[{"network": "default"}],
)
