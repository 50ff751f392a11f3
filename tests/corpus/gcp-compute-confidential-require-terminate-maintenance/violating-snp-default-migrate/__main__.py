"""A SEV-SNP Confidential VM left on the default maintenance policy (MIGRATE)."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="europe-west4-a",
    machine_type="n2d-standard-4",
    min_cpu_platform="AMD Milan",
    confidential_instance_config={"confidential_instance_type": "SEV_SNP"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"}},
    network_interfaces=[{"network": "default"}],
)
