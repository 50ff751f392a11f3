"""A GCP instance labelled data-classification=confidential without a confidential config."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "ledger",
    name="ledger",
    zone="europe-west4-a",
    machine_type="n2d-standard-4",
    boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
    network_interfaces=[{"network": "default"}],
    labels={"data-classification": "confidential"},
)
