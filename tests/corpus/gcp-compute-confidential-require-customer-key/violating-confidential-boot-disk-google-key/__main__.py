"""An instance whose Hyperdisk boot disk is in Confidential mode, with no Cloud KMS key."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "ledger",
    name="ledger",
    zone="us-central1-a",
    machine_type="c3-standard-4",
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2404-lts-amd64",
                                     "type": "hyperdisk-balanced",
                                     "enable_confidential_compute": True}},
    network_interfaces=[{"network": "default"}],
)
