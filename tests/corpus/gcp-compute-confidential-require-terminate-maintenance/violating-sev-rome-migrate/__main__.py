"""A SEV Confidential VM on an unspecified (possibly Rome) CPU platform set to MIGRATE."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-a",
    machine_type="n2d-standard-2",
    confidential_instance_config={"enable_confidential_compute": True},
    scheduling={"on_host_maintenance": "MIGRATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"}},
    network_interfaces=[{"network": "default"}],
)
