"""An instance made from a TDX template of the stack, whose boot disk uses a
Google-managed key."""

import pulumi_gcp as gcp

template = gcp.compute.InstanceTemplate(
    "batch",
    name_prefix="batch-",
    machine_type="c3-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    disks=[{"source_image": "ubuntu-os-cloud/ubuntu-2404-lts", "boot": True,
            "auto_delete": True}],
    network_interfaces=[{"network": "default"}],
)
gcp.compute.InstanceFromTemplate(
    "batch-1",
    name="batch-1",
    zone="europe-west4-a",
    source_instance_template=template.self_link,
)
