"""A Confidential VM attaching a disk with an RSA-wrapped customer-supplied key."""

import pulumi_gcp as gcp

data = gcp.compute.Disk("ledger-data", name="ledger-data", zone="us-central1-a", size=100)

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-a",
    machine_type="n2d-standard-2",
    confidential_instance_config={"confidential_instance_type": "SEV"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"}},
    attached_disks=[{
        "source": data.self_link,
        "disk_encryption_key_rsa": "ieCx/NcW06PcT7Ep1X6LUTc/hLvUDYyzSZPPVCVPTVEohpeHASqC8uw5TzyO9U+Fka9JFHz0mBibXUInrC/jEk014kCK/NPjYgEMOyssZ4ZINPKxlUh2zn1bV+MCaTICrdmuSBTWlUUiFoDD6PYznLwh8ZNdaheCeZ8ewEXgFQ8V+sDroLaN3Xs3MDTXQEMMoNUXMCZEIpg9Vtp9x2oeQ5lAbtt7bYAAHf5l+gJWw3sUfs0/Glw5fpdjT8Uggrr+RMZezGrltJEF293rvTIjWOEB3z5OHyHwQkvdrPDFcTqsLfh+8Hr8g+mf+7zVPEC8nEbqpdl3GPv3A7AwpFp7MA==",
    }],
    network_interfaces=[{"network": "default"}],
)
