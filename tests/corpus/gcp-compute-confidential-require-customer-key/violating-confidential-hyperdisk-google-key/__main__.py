"""A Hyperdisk Balanced volume in Confidential mode with no Cloud KMS key."""

import pulumi_gcp as gcp

gcp.compute.Disk(
    "ledger-data",
    name="ledger-data",
    zone="us-central1-a",
    type="hyperdisk-balanced",
    size=200,
    enable_confidential_compute=True,
)
