"""A Workbench instance on a SEV Confidential VM whose disks use Google-managed keys."""

import pulumi_gcp as gcp

gcp.workbench.Instance(
    "notebook",
    name="notebook",
    location="europe-west4-a",
    gce_setup={
        "machine_type": "n2d-standard-4",
        "confidential_instance_config": {"confidential_instance_type": "SEV"},
        "boot_disk": {"disk_size_gb": "150", "disk_encryption": "GMEK"},
    },
)
