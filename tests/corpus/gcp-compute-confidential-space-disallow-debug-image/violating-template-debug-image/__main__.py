"""An instance template for Confidential Space workloads on the debug image."""

import pulumi_gcp as gcp

gcp.compute.InstanceTemplate(
    "workload-template",
    name_prefix="workload-",
    machine_type="n2d-standard-2",
    confidential_instance_config={"enable_confidential_compute": True},
    scheduling={"on_host_maintenance": "TERMINATE"},
    disks=[{"source_image": "confidential-space-images/confidential-space-debug-250301",
            "boot": True}],
    network_interfaces=[{"network": "default"}],
)
