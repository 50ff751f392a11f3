"""A Confidential Space VM whose image is looked up in the debug family."""

import pulumi_gcp as gcp

image = gcp.compute.get_image(family="confidential-space-debug",
                              project="confidential-space-images")

gcp.compute.Instance(
    "workload",
    name="workload",
    zone="us-central1-a",
    machine_type="c3-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": image.self_link}},
    network_interfaces=[{"network": "default"}],
)
