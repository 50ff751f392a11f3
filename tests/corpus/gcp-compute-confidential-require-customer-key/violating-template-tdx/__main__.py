"""A TDX instance template whose boot disk uses a Google-managed key."""

import pulumi_gcp as gcp

gcp.compute.InstanceTemplate(
    "payments-template",
    name_prefix="payments-",
    machine_type="c3-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    disks=[{"source_image": "ubuntu-os-cloud/ubuntu-2204-lts", "boot": True,
            "auto_delete": True, "disk_size_gb": 50}],
    network_interfaces=[{"network": "default"}],
)
