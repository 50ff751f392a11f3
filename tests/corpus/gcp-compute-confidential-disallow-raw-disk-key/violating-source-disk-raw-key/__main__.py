"""A Confidential VM booting from a disk that was created with a raw customer-supplied key."""

import pulumi_gcp as gcp

boot = gcp.compute.Disk(
    "ledger-boot",
    name="ledger-boot",
    zone="europe-west4-a",
    image="ubuntu-os-cloud/ubuntu-2204-lts",
    disk_encryption_key={"raw_key": "SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0="},
)

gcp.compute.Instance(
    "ledger",
    name="ledger",
    zone="europe-west4-a",
    machine_type="n2d-standard-4",
    min_cpu_platform="AMD Milan",
    confidential_instance_config={"confidential_instance_type": "SEV_SNP"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"source": boot.id},
    network_interfaces=[{"network": "default"}],
)
